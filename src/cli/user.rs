use clap::Subcommand;
use serde::Serialize;

use super::password::read_new_password;
use super::{CliError, print_json};
use crate::domain::{DisplayName, Email, User, Username};
use crate::service::{Profile, Services};

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
        /// Email address, released to apps granted the `email` scope; unverified unless
        /// --email-verified
        #[arg(long, value_name = "ADDRESS", value_parser = Email::parse)]
        email: Option<Email>,
        /// Mark the email address as checked by an admin (the `email_verified` claim)
        #[arg(long, requires = "email")]
        email_verified: bool,
        /// What the user is called, released to apps granted the `profile` scope (the
        /// `name` claim)
        #[arg(long, value_name = "NAME", value_parser = DisplayName::parse)]
        display_name: Option<DisplayName>,
    },
    /// Set or clear a user's email address; a new address is unverified unless
    /// --email-verified, the same address keeps its verification
    SetEmail {
        /// The user
        #[arg(value_parser = Username::parse)]
        name: Username,
        /// The address
        #[arg(value_name = "ADDRESS", value_parser = Email::parse, required_unless_present = "clear")]
        email: Option<Email>,
        /// Mark the address as checked by an admin (the `email_verified` claim)
        #[arg(long)]
        email_verified: bool,
        /// Remove the user's email address instead
        #[arg(long, conflicts_with_all = ["email", "email_verified"])]
        clear: bool,
    },
    /// Set or clear the name a user is shown by (the `name` claim)
    SetDisplayName {
        /// The user
        #[arg(value_parser = Username::parse)]
        name: Username,
        /// The display name, e.g. "Alice Liddell"
        #[arg(value_name = "DISPLAY_NAME", value_parser = DisplayName::parse, required_unless_present = "clear")]
        display_name: Option<DisplayName>,
        /// Remove the user's display name instead
        #[arg(long, conflicts_with = "display_name")]
        clear: bool,
    },
    /// Change a password and revoke every refresh-token family of the user
    SetPassword {
        #[arg(value_parser = Username::parse)]
        name: Username,
        /// Read the password from the first line of standard input
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
        /// Print JSON instead of a table
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
    display_name: Option<&'a str>,
    email: Option<&'a str>,
    email_verified: bool,
}

impl<'a> From<&'a User> for UserView<'a> {
    fn from(user: &'a User) -> Self {
        Self {
            id: user.id.to_string(),
            username: user.username.as_str(),
            is_admin: user.is_admin,
            enabled: user.enabled,
            created_at: user.created_at.to_rfc3339(),
            display_name: user.display_name.as_ref().map(DisplayName::as_str),
            email: user.email.as_ref().map(Email::as_str),
            email_verified: user.email_verified,
        }
    }
}

pub async fn run(command: UserCommand, services: &Services) -> Result<(), CliError> {
    match command {
        UserCommand::Create {
            name,
            admin,
            password_stdin,
            email,
            email_verified,
            display_name,
        } => {
            let profile = Profile::new(display_name, email, email_verified)?;
            let password = read_new_password(password_stdin)?;
            let user = services
                .create_user(name, &password, admin, profile)
                .await?;
            println!("created user {} ({})", user.username, user.id);
        }
        UserCommand::SetEmail {
            name,
            email,
            email_verified,
            // `--clear` has done its work: clap leaves `email` empty with it.
            clear: _,
        } => {
            let user = services.set_email(&name, email, email_verified).await?;
            match &user.email {
                Some(email) => println!(
                    "email of {name} is now {email} ({})",
                    verified(user.email_verified)
                ),
                None => println!("{name} has no email address now"),
            }
        }
        UserCommand::SetDisplayName {
            name,
            display_name,
            // As for set-email: clap leaves `display_name` empty with `--clear`.
            clear: _,
        } => {
            let user = services.set_display_name(&name, display_name).await?;
            match &user.display_name {
                Some(display_name) => {
                    println!("{name} is now shown as {}", display_name.as_str())
                }
                None => println!("{name} has no display name now"),
            }
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
                    "{:<24} {:<6} {:<8} {:<36} {:<16} EMAIL",
                    "NAME", "ADMIN", "ENABLED", "ID", "CREATED"
                );
                for user in &users {
                    let email = user.email.as_ref().map_or(String::new(), |email| {
                        format!("{email} ({})", verified(user.email_verified))
                    });
                    println!(
                        "{:<24} {:<6} {:<8} {:<36} {:<16} {email}",
                        user.username,
                        yes_no(user.is_admin),
                        yes_no(user.enabled),
                        user.id,
                        user.created_at.format("%Y-%m-%d %H:%M").to_string(),
                    );
                }
            }
        }
    }
    Ok(())
}

fn verified(value: bool) -> &'static str {
    if value { "verified" } else { "not verified" }
}

pub(super) fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}
