//! Reusable pieces of the UI.

pub mod add_to_set;
pub mod badge;
#[cfg(feature = "ssr")]
pub mod bundle;
#[cfg(feature = "ssr")]
pub mod csp;
pub mod field;
pub mod filter_form;
pub mod icons;
pub mod layout;
pub mod merchant_filter;
pub mod options;
pub mod page_error;
pub mod pager;
pub mod rows_html;
pub mod sort_header;
#[cfg(feature = "ssr")]
pub mod template_page;
pub mod text;
pub mod ticks;
pub mod url;
