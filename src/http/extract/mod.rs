//! Reading requests: each protocol's parameters, cookies and headers become domain types
//! here, once, so that nothing past the handlers sees a form, a cookie or a header.

mod authorize;
mod bearer;
mod credentials;
mod logout;
mod params;
mod profile;
mod registration;
mod session;
mod token;

pub use authorize::{LOGIN_AFTER, authorization_request};
pub use bearer::{NoBearer, bearer_token};
pub use credentials::client_credentials;
pub use logout::logout_request;
pub use params::Params;
pub use profile::user_profile;
pub use registration::client_registration;
pub use session::{Admin, CurrentSession};
pub use token::{not_a_form, presented_token, token_request};
