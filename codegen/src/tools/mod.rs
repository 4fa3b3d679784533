//! What the command line does beyond generation, each a thin layer over the IR and the
//! runtime.

pub mod conform;
pub mod diff;
pub mod envelope;
pub mod profile;
pub mod validate;
