//! The admin console's pages: clients, users and security events.

mod clients;
mod events;
mod users;

pub use clients::{AdminClientPage, AdminClientsPage, ClientForm, ClientSecretPage};
pub use events::AdminEventsPage;
pub use users::{AdminUserPage, AdminUsersPage, OneTimePasswordPage};
