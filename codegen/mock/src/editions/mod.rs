//! The thin per-edition adapters: each maps one generated crate onto the edition-independent
//! mocks (its profile, keys, samples, routers, and the role traits listed interface by interface).

mod db4403_77_2020;
mod db4403_77_2024;
mod tcec102_2016;

pub use db4403_77_2020::Db4403_77_2020;
pub use db4403_77_2024::Db4403_77_2024;
pub use tcec102_2016::Tcec102_2016;

use chargespec_runtime::Secret;
use chargespec_runtime::config::KeyConfig;

/// The four secrets of a key set, cloned (for the editions whose `Keys` has all four).
pub(crate) fn four(k: &KeyConfig) -> (Secret, Secret, Secret, Secret) {
    (
        k.operator_secret.clone(),
        k.data_secret.clone(),
        k.data_secret_iv.clone(),
        k.sig_secret.clone(),
    )
}
