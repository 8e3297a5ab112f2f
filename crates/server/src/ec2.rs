//! EC2's DescribeInstances (EC2 Query protocol, 2016-11-15) for the fleet's EC2 instances: the
//! call the Systems Manager console permissions rely on, authorized as `ec2:DescribeInstances`.

use crate::error::ApiError;
use crate::query::escape;
use crate::service::{Authenticated, Service};
use crate::ssm_api::instances;
use crate::store;

/// The XML namespace of EC2 responses.
pub const NAMESPACE: &str = "http://ec2.amazonaws.com/doc/2016-11-15/";

/// `<Response><Errors><Error>...` — EC2's error shape, unlike IAM's.
pub fn write_error(e: &ApiError, request_id: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{}</Code><Message>{}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>",
        escape(&e.code),
        escape(&e.message)
    )
}

fn numbered(pairs: &[(String, String)], prefix: &str) -> Vec<String> {
    let mut v: Vec<(usize, String)> = pairs
        .iter()
        .filter_map(|(k, val)| Some((k.strip_prefix(prefix)?.parse().ok()?, val.clone())))
        .collect();
    v.sort();
    v.into_iter().map(|(_, val)| val).collect()
}

/// `Filter.N.Name` with its `Filter.N.Value.M`.
fn filters(pairs: &[(String, String)]) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for n in 1.. {
        let Some(name) = pairs
            .iter()
            .find(|(k, _)| *k == format!("Filter.{n}.Name"))
            .map(|(_, v)| v.clone())
        else {
            break;
        };
        out.push((name, numbered(pairs, &format!("Filter.{n}.Value."))));
    }
    out
}

/// Answer `DescribeInstances`; the XML body, or EC2's error.
pub fn describe_instances(
    svc: &Service,
    who: &Authenticated,
    pairs: &[(String, String)],
    request_id: &str,
) -> Result<String, ApiError> {
    // EC2 words a refusal its own way around the same sentence.
    crate::service::authorize(
        who,
        "ec2:DescribeInstances",
        "*",
        &ssmgate_policy::Context::new(),
    )
    .map_err(|e| {
        ApiError::new(
            "UnauthorizedOperation",
            403,
            format!(
                "You are not authorized to perform this operation. {}",
                e.message
            ),
        )
    })?;
    let wanted = numbered(pairs, "InstanceId.");
    let filters = filters(pairs);
    let rows = svc.store.read(|c| {
        let mut out = Vec::new();
        for i in instances::all(c)? {
            if !i.id.starts_with("i-") {
                continue;
            }
            let tags = store::tags(c, "instance", &i.id)?;
            out.push((i, tags));
        }
        Ok(out)
    })?;
    let unknown: Vec<&String> = wanted
        .iter()
        .filter(|w| !rows.iter().any(|(i, _)| &i.id == *w))
        .collect();
    if let Some(first) = unknown.first() {
        return Err(ApiError::new(
            "InvalidInstanceID.NotFound",
            400,
            format!("The instance ID '{first}' does not exist"),
        ));
    }
    let mut items = String::new();
    for (i, tags) in &rows {
        if !wanted.is_empty() && !wanted.contains(&i.id) {
            continue;
        }
        let keep = filters.iter().all(|(name, values)| match name.as_str() {
            "instance-id" => values.contains(&i.id),
            "instance-state-name" => values.iter().any(|v| v == "running"),
            "platform" => values.iter().any(|v| v.eq_ignore_ascii_case(&i.platform)),
            "tag-key" => tags.iter().any(|(k, _)| values.contains(k)),
            n => match n.strip_prefix("tag:") {
                Some(k) => tags.iter().any(|(tk, tv)| tk == k && values.contains(tv)),
                None => true,
            },
        });
        if !keep {
            continue;
        }
        let mut tag_xml = String::new();
        let mut all_tags = tags.clone();
        if let Some(n) = &i.name {
            if !all_tags.iter().any(|(k, _)| k == "Name") {
                all_tags.push(("Name".into(), n.clone()));
            }
        }
        for (k, v) in &all_tags {
            tag_xml.push_str(&format!(
                "<item><key>{}</key><value>{}</value></item>",
                escape(k),
                escape(v)
            ));
        }
        let platform = if i.platform == "Windows" {
            "<platform>windows</platform>"
        } else {
            ""
        };
        items.push_str(&format!(
            "<item><reservationId>r-{rid}</reservationId><ownerId>{owner}</ownerId><groupSet/><instancesSet><item>\
<instanceId>{id}</instanceId><imageId>ami-00000000000000000</imageId><instanceState><code>16</code><name>running</name></instanceState>\
<privateDnsName/><dnsName/><instanceType>t3.micro</instanceType><launchTime>{launch}</launchTime>\
<placement><availabilityZone>{region}a</availabilityZone><tenancy>default</tenancy></placement>{platform}\
<monitoring><state>disabled</state></monitoring><privateIpAddress>{ip}</privateIpAddress><architecture>x86_64</architecture>\
<rootDeviceType>ebs</rootDeviceType><tagSet>{tag_xml}</tagSet></item></instancesSet></item>",
            rid = i.id.trim_start_matches("i-"),
            owner = i.account,
            id = escape(&i.id),
            launch = ssmgate_ssm::time::iso8601(i.registered),
            region = escape(&i.region),
            ip = escape(i.ip.as_deref().unwrap_or("10.0.0.4")),
        ));
    }
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeInstancesResponse xmlns=\"{NAMESPACE}\"><requestId>{request_id}</requestId><reservationSet>{items}</reservationSet></DescribeInstancesResponse>"
    ))
}
