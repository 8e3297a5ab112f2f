// Times @cloud-copilot/iam-simulate over ssmgate's W1 mix (the same policies and requests).
// Usage: node harness.mjs [rounds]. Prints one JSON line: decisions, errors, ns per decision.
import { readFileSync, readdirSync } from 'node:fs'
import { runSimulation } from '@cloud-copilot/iam-simulate'

const data = new URL('../data/', import.meta.url)
const rounds = Number(process.argv[2] ?? 3)
const policies = readdirSync(new URL('policies/', data))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f.replace('.json', ''), policy: JSON.parse(readFileSync(new URL(`policies/${f}`, data), 'utf8')) }))
// Like the other engines, iam-simulate gets the policies its own validator accepts.
const probe = { principal: 'arn:aws:iam::123456789012:user/alice', action: 'ssm:GetDocument', resource: { resource: 'arn:aws:ssm:us-east-1:123456789012:document/x', accountId: '123456789012' }, contextVariables: {} }
const accepted = []
const rejected = []
for (const p of policies) {
  const r = await runSimulation({ identityPolicies: [p], serviceControlPolicies: [], resourceControlPolicies: [], request: probe }, {})
  if (r.resultType === 'error') rejected.push(p.name)
  else accepted.push(p)
}
const requests = JSON.parse(readFileSync(new URL('w1-requests.json', data), 'utf8')).filter((r) => r.resource.startsWith('arn:'))

function simulation(r) {
  return {
    identityPolicies: accepted,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      principal: 'arn:aws:iam::123456789012:user/alice',
      action: r.action,
      resource: { resource: r.resource, accountId: '123456789012' },
      contextVariables: r.context
    }
  }
}

const all = requests.map(simulation)
const sims = []
const results = {}
let errors = 0
for (const s of all) {
  const res = await runSimulation(s, {})
  if (res.resultType === "error") { if (errors++ === 0 && process.env.SHOW_ERROR) console.error(JSON.stringify(res.errors).slice(0, 1500)) }
  else {
    results[res.overallResult] = (results[res.overallResult] ?? 0) + 1
    sims.push(s)
  }
}
const start = process.hrtime.bigint()
for (let i = 0; i < rounds; i++) {
  for (const s of sims) await runSimulation(s, {})
}
const ns = Number(process.hrtime.bigint() - start) / (rounds * sims.length)
console.log(JSON.stringify({ engine: 'iam-simulate', policiesRejected: rejected, requests: all.length, timed: sims.length, results, errors, nsPerDecision: Math.round(ns) }))
