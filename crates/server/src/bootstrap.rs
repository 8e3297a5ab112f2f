//! Opening a data directory: the store, the account and the root user's access key, created
//! on first start and written once to `DATA_DIR/root-credentials`.

use crate::error::ApiError;
use crate::ids;
use crate::service::Service;
use crate::store::{self, AccessKeyRow, Store};
use std::path::{Path, PathBuf};

/// How to open the endpoint's state.
#[derive(Clone)]
pub struct Options {
    pub data_dir: PathBuf,
    pub account_id: String,
    pub region: String,
    /// The root access key to use instead of a generated one.
    pub root_key: Option<(String, zeroize::Zeroizing<String>)>,
    /// Instances to put in the store at start-up (`--fleet`).
    pub fleet: Option<ssmgate_ssm::fleet::Fleet>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("data_dir", &self.data_dir)
            .field("account_id", &self.account_id)
            .field("region", &self.region)
            .field("root_key", &self.root_key.as_ref().map(|(id, _)| id))
            .field("fleet", &self.fleet.as_ref().map(|f| f.instances.len()))
            .finish()
    }
}

/// What opening found or made.
pub struct Opened {
    pub service: Service,
    /// The root access key id.
    pub root_key_id: String,
    /// Where the root credentials were written, on the start that created them.
    pub credentials_file: Option<PathBuf>,
    /// How many fleet instances were put in the store.
    pub imported: usize,
}

/// Why the endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error(transparent)]
    Store(#[from] store::OpenError),
    #[error("the data directory {dir} holds account {found}, not {asked}; start with --account-id {found} or use another --data-dir")]
    OtherAccount {
        dir: String,
        found: String,
        asked: String,
    },
    #[error("the account id {0} is not 12 digits")]
    BadAccountId(String),
    #[error("the root access key id {0} must be 16 to 128 letters and digits")]
    BadRootKey(String),
    #[error("cannot write the root credentials to {0}: {1}")]
    Credentials(String, std::io::Error),
    #[error("the state store failed: {0}")]
    Api(String),
}

impl From<ApiError> for StartError {
    fn from(e: ApiError) -> StartError {
        StartError::Api(e.message)
    }
}

/// The name of the database file in the data directory.
pub const DATABASE: &str = "ssmgate.sqlite3";
/// The name of the root credentials file in the data directory.
pub const ROOT_CREDENTIALS: &str = "root-credentials";

fn write_credentials(path: &Path, id: &str, secret: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    write!(
        f,
        "[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n"
    )?;
    f.sync_all()
}

/// Open the data directory, creating the account on first use.
pub fn open(o: &Options, now: i64) -> Result<Opened, StartError> {
    if o.account_id.len() != 12 || !o.account_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StartError::BadAccountId(o.account_id.clone()));
    }
    if let Some((id, _)) = &o.root_key {
        if !(16..=128).contains(&id.len()) || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(StartError::BadRootKey(id.clone()));
        }
    }
    std::fs::create_dir_all(&o.data_dir)
        .map_err(|e| StartError::DataDir(o.data_dir.display().to_string(), e))?;
    let store = Store::open(&o.data_dir.join(DATABASE))?;
    let existing = store.read(store::account)?;
    let mut credentials_file = None;
    let root_key_id = match existing {
        Some(a) if a.id != o.account_id => {
            return Err(StartError::OtherAccount {
                dir: o.data_dir.display().to_string(),
                found: a.id,
                asked: o.account_id.clone(),
            })
        }
        Some(_) => store.write(|c| {
            if let Some((id, secret)) = &o.root_key {
                // Keys given on the command line take the root key's place.
                for k in store::access_keys(c, None)? {
                    if k.id != *id {
                        store::delete_access_key(c, &k.id)?;
                    }
                }
                if store::access_key(c, id)?.is_none() {
                    store::insert_access_key(c, &root_row(id, secret, now))?;
                } else {
                    c.execute(
                        "UPDATE access_keys SET secret = ?1, status = 'Active' WHERE id = ?2",
                        rusqlite::params![secret.as_str(), id],
                    )?;
                }
                return Ok(id.clone());
            }
            Ok(store::access_keys(c, None)?
                .into_iter()
                .next()
                .map(|k| k.id)
                .unwrap_or_default())
        })?,
        None => {
            let (id, secret) = match &o.root_key {
                Some((id, secret)) => (id.clone(), secret.clone()),
                None => (ids::access_key_id(false), ids::secret_key()),
            };
            let path = o.data_dir.join(ROOT_CREDENTIALS);
            write_credentials(&path, &id, &secret)
                .map_err(|e| StartError::Credentials(path.display().to_string(), e))?;
            store.write(|c| {
                store::create_account(c, &o.account_id, &o.region, now)?;
                store::insert_access_key(c, &root_row(&id, &secret, now))
            })?;
            credentials_file = Some(path);
            id
        }
    };
    // Amazon's documents (and the account's Session Manager preferences) are there from the
    // first start; a fleet file's instances replace those of the same id.
    let imported = store.write(|c| {
        crate::ssm_api::documents::seed(c, &o.account_id, now)?;
        match &o.fleet {
            Some(f) => crate::ssm_api::instances::import_fleet(c, f, now),
            None => Ok(0),
        }
    })?;
    Ok(Opened {
        imported,
        service: Service::new(store, &o.account_id, &o.region),
        root_key_id,
        credentials_file,
    })
}

fn root_row(id: &str, secret: &zeroize::Zeroizing<String>, now: i64) -> AccessKeyRow {
    AccessKeyRow {
        id: id.to_string(),
        secret: secret.clone(),
        user: None,
        status: "Active".into(),
        created: now,
    }
}
