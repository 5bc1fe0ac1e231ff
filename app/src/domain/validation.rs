use super::domains::DomainRule;
use serde::{Deserialize, Serialize};

/// Why a field was rejected; the UI translates it next to the field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldProblem {
    Required,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    InvalidChars,
    UnknownValue,
    AlreadyTaken,
    MerchantRequired,
    MerchantNotAllowed,
    CannotChangeSelf,
    InvalidDate,
    /// A day before 1970-01-01 or after 9999-12-31 (the audit log's date filters).
    DateOutOfRange,
    /// A date range whose end comes before its start.
    EndBeforeStart,
    /// More entries than allowed (audit items, tags).
    TooMany {
        max: usize,
    },
    /// A number outside min..=max (gray percentage).
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// Must rise above the value already set (gray percentage).
    NotHigherThan {
        current: i64,
    },
    /// Text that is not JSON at all.
    InvalidJson,
    /// JSON of the wrong shape for the configuration.
    InvalidConfig,
    /// A path (tab, extPages) that is not one of the configuration's pages.
    PathNotInPages,
    /// A page the committed code does not have.
    PageNotInCode,
    /// Category names that do not belong to the chosen category ids.
    CategoryMismatch,
    /// A list entry with nothing filled in.
    EmptyItem,
    /// Function widgets: the grid must have 2 or 4 cells.
    GridSize,
    /// Function widgets: a jump path that is not a page path inside the mini program.
    NotInternalPath,
    /// Function widgets: two cells jump to the same path.
    DuplicatePath,
    /// Function widgets: not an http(s) address.
    InvalidUrl,
    /// QR-jump rules: a link WeChat would refuse as malformed (85066).
    QrLinkMalformed,
    /// QR-jump rules: a debug link that does not start with the prefix (85068).
    QrNotUnderPrefix,
    /// QR-jump rules: this mini program already has the prefix (85071).
    QrPrefixAdded,
    /// QR-jump rules: another mini program holds the prefix or one that owns it (85072).
    QrPrefixTaken,
    /// QR-jump rules: no room for another rule (85073).
    QrRulesFull {
        max: usize,
    },
    /// QR-jump rules: publishing needs released code (85074).
    QrNotReleased,
    /// QR-jump rules: not for personal-subject mini programs (85075).
    QrPersonalSubject,
    /// QR-jump rules: no publishes left this month.
    QrQuotaUsed,
    /// QR-jump rules: editing a prefix that has no rule.
    QrNoSuchRule,
    /// QR-jump templates: `{name}` is not a variable (or a `{` is not closed).
    QrUnknownVariable {
        name: String,
    },
    /// QR-jump templates: the variable has no value for this mini program.
    QrNoValue {
        name: String,
    },
    /// Code templates: the library is full (85065).
    TemplateLibraryFull {
        max: usize,
    },
    /// Code templates: mini programs have a version of it in review.
    TemplateInReview {
        count: i64,
    },
    /// Code templates: mini programs have it in gray release.
    TemplateInGray {
        count: i64,
    },
    /// The same entry twice in a list (keywords).
    DuplicateItem,
    /// Not a colour of the form #RRGGBB.
    InvalidColor,
    /// Fewer entries than required (subscription keywords).
    TooFewItems {
        min: usize,
    },
    /// A subscription-message value against its keyword type's rule (`thing`, `time`, …).
    ValueRule {
        rule: String,
    },
    /// Testers: a WeChat ID with whitespace in it (no WeChat ID, phone or QQ number has any).
    TesterIdHasSpace,
    /// Testers: the console knows this WeChat ID is bound already (85004).
    TesterAlreadyBound,
    /// Testers: the account has as many testers as its subject type allows (85002).
    TesterLimitReached {
        max: usize,
    },
    /// Free text with control characters in it (line breaks aside).
    ControlChars,
    /// A one-line value (a filter) with control characters in it, line breaks included.
    ControlCharsInLine,
    /// Not an AppID (`wx` + 16 hex digits).
    AppidFormat,
    /// Plugins: the mini program's own plugin is not for itself (89236).
    PluginIsOwn,
    /// Plugins: the plugin is applied for or in use already (89237).
    PluginAlreadyAdded,
    /// Plugins: only a plugin in use (申请通过) moves to another version.
    PluginNotInUse,
    /// Plugins: a version is `x.y.z` in digits.
    PluginVersionFormat,
    /// Plugin applications: only one awaiting a decision can be approved or refused (89240).
    PluginNotPending,
    /// Plugin applications: one awaiting a decision cannot be deleted (89243).
    PluginPendingNotDeletable,
    /// Plugin applications: an approved one cannot be deleted (89241).
    PluginApprovedNotDeletable,
    /// Plugins: a personal-subject mini program cannot own a plugin (the plugin guide).
    PluginOwnerPersonal,
    /// Domains: an entry against a rule (which one, and the entry).
    Domain {
        domain: String,
        rule: DomainRule,
    },
    /// Domains: the change would leave the list as it is (85017 / 89019).
    DomainNothingToChange,
    /// Domains: a business domain to delete that the list does not have (89022).
    DomainAbsent {
        domain: String,
    },
    /// Domains: personal-subject mini programs have no business domains (89231).
    DomainPersonal,
    /// WeChat's own answer about this field, with the catalogue's meaning.
    Wechat {
        errcode: i64,
        zh: String,
        en: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub problem: FieldProblem,
}

impl FieldError {
    pub fn new(field: &str, problem: FieldProblem) -> Self {
        Self {
            field: field.to_string(),
            problem,
        }
    }
}

/// Collects field errors so a form reports every problem at once.
#[derive(Default, Debug)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, problem: FieldProblem) {
        self.errors.push(FieldError::new(field, problem));
    }

    /// Length in characters (not bytes), since the limits are for people typing Chinese too.
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) {
        let len = value.chars().count();
        if value.trim().is_empty() && min > 0 {
            self.add(field, FieldProblem::Required);
        } else if len < min {
            self.add(field, FieldProblem::TooShort { min });
        } else if len > max {
            self.add(field, FieldProblem::TooLong { max });
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        let mut c = Checker::new();
        c.text("name", "小程序小程序", 1, 6);
        assert!(c.finish().is_ok());
        let mut c = Checker::new();
        c.text("name", "小程序小程序小", 1, 6);
        assert_eq!(
            c.finish().unwrap_err(),
            vec![FieldError::new("name", FieldProblem::TooLong { max: 6 })]
        );
    }

    #[test]
    fn blank_is_required_not_too_short() {
        let mut c = Checker::new();
        c.text("name", "   ", 3, 10);
        assert_eq!(c.finish().unwrap_err()[0].problem, FieldProblem::Required);
    }

    #[test]
    fn collects_every_problem() {
        let mut c = Checker::new();
        c.text("a", "", 1, 5);
        c.text("b", "toolong", 1, 3);
        assert!(c.has("a") && c.has("b"));
        assert_eq!(c.finish().unwrap_err().len(), 2);
    }
}
