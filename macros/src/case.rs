//! serde's `rename_all` rules, applied to field names as serde does.

/// A `rename_all` rule; `None` for a name serde would reject itself (serde
/// reports that error, so we do not report it twice).
pub fn rename(rule: &str, field: &str) -> Option<String> {
    let pascal = || {
        field
            .split('_')
            .map(|word| {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect::<String>()
    };
    Some(match rule {
        "lowercase" => field.to_ascii_lowercase(),
        "UPPERCASE" | "SCREAMING_SNAKE_CASE" => field.to_ascii_uppercase(),
        "PascalCase" => pascal(),
        "camelCase" => {
            let pascal = pascal();
            let mut chars = pascal.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_lowercase().to_string() + chars.as_str()
            })
        }
        "snake_case" => field.to_owned(),
        "kebab-case" => field.replace('_', "-"),
        "SCREAMING-KEBAB-CASE" => field.to_ascii_uppercase().replace('_', "-"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::rename;

    #[test]
    fn rules_match_serde() {
        let cases = [
            ("camelCase", "display_name", "displayName"),
            ("camelCase", "email", "email"),
            ("PascalCase", "display_name", "DisplayName"),
            ("lowercase", "Display_Name", "display_name"),
            ("UPPERCASE", "display_name", "DISPLAY_NAME"),
            ("SCREAMING_SNAKE_CASE", "display_name", "DISPLAY_NAME"),
            ("kebab-case", "display_name", "display-name"),
            ("SCREAMING-KEBAB-CASE", "display_name", "DISPLAY-NAME"),
            ("snake_case", "display_name", "display_name"),
        ];
        for (rule, field, expected) in cases {
            assert_eq!(rename(rule, field).as_deref(), Some(expected), "{rule}");
        }
        assert_eq!(rename("Title Case", "a"), None);
    }
}
