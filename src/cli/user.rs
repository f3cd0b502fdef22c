use clap::Subcommand;
use serde::Serialize;

use super::password::read_new_password;
use super::{CliError, print_json};
use crate::domain::{User, Username};
use crate::service::Services;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user (prompts for the password unless --password-stdin)
    Create {
        #[arg(value_parser = Username::parse)]
        name: Username,
        /// Make the user an administrator
        #[arg(long)]
        admin: bool,
        /// Read the password from the first line of standard input
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change a password and revoke every refresh-token family of the user
    SetPassword {
        #[arg(value_parser = Username::parse)]
        name: Username,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Stop a user from logging in and revoke all their refresh-token families
    Disable {
        #[arg(value_parser = Username::parse)]
        name: Username,
    },
    /// Let a disabled user log in again
    Enable {
        #[arg(value_parser = Username::parse)]
        name: Username,
    },
    /// List users
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Serialize)]
struct UserView<'a> {
    id: String,
    username: &'a str,
    is_admin: bool,
    enabled: bool,
    created_at: String,
}

impl<'a> From<&'a User> for UserView<'a> {
    fn from(user: &'a User) -> Self {
        Self {
            id: user.id.to_string(),
            username: user.username.as_str(),
            is_admin: user.is_admin,
            enabled: user.enabled,
            created_at: user.created_at.to_rfc3339(),
        }
    }
}

pub async fn run(command: UserCommand, services: &Services) -> Result<(), CliError> {
    match command {
        UserCommand::Create {
            name,
            admin,
            password_stdin,
        } => {
            let password = read_new_password(password_stdin)?;
            let user = services.create_user(name, &password, admin).await?;
            println!("created user {} ({})", user.username, user.id);
        }
        UserCommand::SetPassword {
            name,
            password_stdin,
        } => {
            let password = read_new_password(password_stdin)?;
            let revoked = services.set_password(&name, &password).await?;
            println!("password of {name} changed; {revoked} refresh-token families revoked");
        }
        UserCommand::Disable { name } => {
            let revoked = services.set_user_enabled(&name, false).await?;
            println!("user {name} disabled; {revoked} refresh-token families revoked");
        }
        UserCommand::Enable { name } => {
            services.set_user_enabled(&name, true).await?;
            println!("user {name} enabled");
        }
        UserCommand::List { json } => {
            let users = services.list_users().await?;
            if json {
                let views: Vec<UserView> = users.iter().map(UserView::from).collect();
                print_json(&views)?;
            } else {
                println!(
                    "{:<24} {:<6} {:<8} {:<36} CREATED",
                    "NAME", "ADMIN", "ENABLED", "ID"
                );
                for user in &users {
                    println!(
                        "{:<24} {:<6} {:<8} {:<36} {}",
                        user.username,
                        yes_no(user.is_admin),
                        yes_no(user.enabled),
                        user.id,
                        user.created_at.format("%Y-%m-%d %H:%M")
                    );
                }
            }
        }
    }
    Ok(())
}

pub(super) fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}
