//! The report for people and for other programs: an aligned terminal table with a text bar
//! chart, CSV with documented columns, and one self-contained HTML page. JSON is the
//! [`super::Report`] serialised as it is.

pub mod csv;
pub mod html;
pub mod text;
