//! Where the email HTML files of a preview go. The documents themselves
//! come from [`crate::template::email_html`] (through
//! [`super::messages::render_message`]), the same function a sending
//! system's output is checked against.

use std::path::PathBuf;

/// `previews/<campaign>/<message>.<locale>.html`, relative to the output
/// directory.
pub fn email_path(campaign: &str, message: &str, locale: &str) -> PathBuf {
    PathBuf::from("previews")
        .join(campaign)
        .join(email_file_name(message, locale))
}

/// `<message>.<locale>.html`: the link target from `previews/<campaign>.md`
/// is `<campaign>/` followed by this.
pub fn email_file_name(message: &str, locale: &str) -> String {
    format!("{message}.{locale}.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_files_live_in_a_folder_per_campaign() {
        assert_eq!(
            email_path("onboarding", "welcome", "zh-Hant"),
            PathBuf::from("previews/onboarding/welcome.zh-Hant.html")
        );
    }
}
