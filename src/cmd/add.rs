//! `pickup add`: a link emailed in, fetched, judged and recorded (`found_via = manual`), or
//! refused with the reasons `pickup check` gives.

use super::output::print;
use crate::add::{AddOptions, add as add_page};
use crate::config::Config;
use crate::error::Error;

/// Adds the page at `url` and prints what was found and what was recorded.
///
/// # Errors
/// As [`crate::add::add`]: usage errors (exit 2), a page that cannot be fetched (exit 1), the
/// store locked by a run (exit 4). A page that is not a placement is no error: it is refused,
/// with the reasons, and nothing is recorded.
pub async fn add(config: &Config, url: &str, options: &AddOptions) -> Result<(), Error> {
    let added = add_page(config, url, options).await?;
    let mut text = added.report.to_string();
    if added.recorded.is_empty() {
        text.push_str(
            "\nnot recorded: pickup does not judge this page a placement of any tracked article (the reasons are above); --force records it as the team's own judgement\n",
        );
    } else {
        text.push('\n');
        for r in &added.recorded {
            let team = if r.team_judgement {
                " (the team's judgement)"
            } else {
                ""
            };
            text.push_str(&format!(
                "recorded: {} {} on {} [{}] {}{team}\n",
                r.article, r.kind, r.outlet, r.country, r.url
            ));
        }
        if let Some(a) = &added.auto_outlet {
            text.push_str(&format!(
                "{} is no configured outlet: recorded under the auto outlet {:?}; `pickup outlets adopt {}` prints its config\n",
                a.homepage, a.id, a.id
            ));
        }
    }
    print(&text)
}
