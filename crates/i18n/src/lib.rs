//! Translations: Bahasa Indonesia first, English second, for pages and e-mail. Strings
//! live in `locales/*.ftl` (Fluent), never in code.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Id,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" | "id-id" | "in" => Some(Lang::Id),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first supported language in an `Accept-Language` header, else Indonesian.
    pub fn from_accept_language(header: &str) -> Lang {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(|tag| Lang::parse(tag.split('-').next().unwrap_or(tag)))
            .unwrap_or(Lang::Id)
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }
}

pub struct I18n {
    id: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
    /// Values every message may use, the same for the whole installation (see
    /// [`I18n::with_value`]).
    values: Vec<(&'static str, String)>,
}

fn bundle(lang: &str, source: &str) -> FluentBundle<FluentResource> {
    let langid = lang.parse().expect("valid language id");
    let mut b = FluentBundle::new_concurrent(vec![langid]);
    // No Unicode isolation marks: the strings go into HTML and e-mail as they are.
    b.set_use_isolating(false);
    let res = FluentResource::try_new(source.to_string()).unwrap_or_else(|(_, errs)| panic!("{lang}.ftl: {errs:?}"));
    b.add_resource(res).unwrap_or_else(|errs| panic!("{lang}.ftl: {errs:?}"));
    b
}

impl I18n {
    pub fn load() -> I18n {
        I18n {
            id: bundle("id", include_str!("../locales/id.ftl")),
            en: bundle("en", include_str!("../locales/en.ftl")),
            values: Vec::new(),
        }
    }

    /// Gives every message the variable `name`: a setting of this installation that its
    /// messages state, such as the largest upload (`mb`), so that an error message
    /// anywhere says the limit in force. A message's own arguments of the same name win.
    pub fn with_value(mut self, name: &'static str, value: impl Into<String>) -> I18n {
        self.values.retain(|(n, _)| *n != name);
        self.values.push((name, value.into()));
        self
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        }
    }

    /// The message `key` in `lang`; the key itself when missing (which the test suite,
    /// built with debug assertions, does not allow).
    pub fn t(&self, lang: Lang, key: &str) -> String {
        self.t_args(lang, key, &[])
    }

    pub fn t_args(&self, lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
        let b = self.bundle(lang);
        let Some(pattern) = b.get_message(key).and_then(|m| m.value()) else {
            // Every key a page or an answer asks for exists in both languages; in debug
            // builds (the test suite) a missing one stops the request that asked for it.
            if cfg!(debug_assertions) {
                panic!("no message {key} in {lang:?}");
            }
            return key.to_string();
        };
        let mut fa = FluentArgs::new();
        for (k, v) in &self.values {
            fa.set(*k, FluentValue::String(Cow::Borrowed(v.as_str())));
        }
        for (k, v) in args {
            fa.set(*k, FluentValue::String(Cow::Borrowed(*v)));
        }
        let mut errors = Vec::new();
        b.format_pattern(pattern, Some(&fa), &mut errors).into_owned()
    }

    /// Whether both languages have `key`.
    pub fn has(&self, key: &str) -> bool {
        self.id.has_message(key) && self.en.has_message(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_first_supported() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr-FR, id;q=0.8"), Lang::Id);
        assert_eq!(Lang::from_accept_language("de"), Lang::Id);
        assert_eq!(Lang::from_accept_language(""), Lang::Id);
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let ids: Vec<&str> = include_str!("../locales/id.ftl").lines().filter_map(key_of).collect();
        let ens: Vec<&str> = include_str!("../locales/en.ftl").lines().filter_map(key_of).collect();
        assert_eq!(ids, ens, "id.ftl and en.ftl must list the same keys in the same order");
        let i18n = I18n::load();
        for k in ids {
            assert!(i18n.has(k), "{k}");
        }
    }

    #[test]
    fn installation_values_reach_every_message_and_yield_to_its_own_arguments() {
        let i18n = I18n::load().with_value("mb", "10");
        assert_eq!(
            i18n.t(Lang::En, "err-file-too-large"),
            "The file is larger than 10 MB. Choose a smaller one: a photo at a lower resolution, or a PDF with fewer pages."
        );
        assert!(i18n.t(Lang::Id, "err-file-too-large").starts_with("Berkas lebih besar dari 10 MB."));
        assert!(i18n.t_args(Lang::Id, "documents-lead", &[("mb", "4")]).contains("paling besar 4 MB"));
        assert!(i18n.with_value("mb", "8").t(Lang::Id, "documents-lead").contains("paling besar 8 MB"));
    }

    fn key_of(line: &str) -> Option<&str> {
        let (k, _) = line.split_once(" =")?;
        (!k.starts_with([' ', '#', '.'])).then_some(k)
    }
}
