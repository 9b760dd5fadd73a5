//! The parsed page's elements that metadata and dates are read from, gathered in one walk: the
//! few tags those readers look for, and the elements carrying the attributes microdata, RDFa and
//! author links use, each list in page order. A reader then matches its selector against a short
//! list instead of walking the whole tree once more for every selector.

use dom_query::{Document as Tree, Matcher, NodeData, NodeRef};

/// The elements gathered by tag. `Main` holds `<main>` and any element with `role="main"`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Tag {
    Html,
    Body,
    Title,
    Meta,
    Link,
    Script,
    H1,
    Time,
    Article,
    Main,
}

const TAGS: usize = 10;

impl Tag {
    fn of(name: &str) -> Option<Tag> {
        Some(match name {
            "html" => Tag::Html,
            "body" => Tag::Body,
            "title" => Tag::Title,
            "meta" => Tag::Meta,
            "link" => Tag::Link,
            "script" => Tag::Script,
            "h1" => Tag::H1,
            "time" => Tag::Time,
            "article" => Tag::Article,
            "main" => Tag::Main,
            _ => return None,
        })
    }
}

/// The attributes that put an element in [`Elements::attributed`]: microdata's `itemprop`,
/// RDFa's `property`, link relations (`rel="author"`) and ARIA roles.
const ATTRIBUTES: &[&str] = &["itemprop", "property", "rel", "role"];

/// One page's elements, gathered once after parsing (before anything changes the tree).
pub(super) struct Elements<'a> {
    tagged: [Vec<NodeRef<'a>>; TAGS],
    /// Every element with one of [`ATTRIBUTES`], in page order.
    attributed: Vec<NodeRef<'a>>,
}

impl<'a> Elements<'a> {
    /// Walks the tree once.
    pub(super) fn gather(tree: &'a Tree) -> Elements<'a> {
        let mut elements = Elements {
            tagged: Default::default(),
            attributed: Vec::new(),
        };
        for node in tree.root().descendants_it() {
            let (tag, attributed, main_role) = node.query_or((None, false, false), |n| match &n.data {
                NodeData::Element(el) => {
                    let has = |name: &str| el.attrs.iter().any(|a| &*a.name.local == name);
                    let main_role = el.attrs.iter().any(|a| &*a.name.local == "role" && &*a.value == "main");
                    (Tag::of(&el.name.local), ATTRIBUTES.iter().any(|a| has(a)), main_role)
                }
                _ => (None, false, false),
            });
            if let Some(tag) = tag.or(main_role.then_some(Tag::Main)) {
                elements.tagged[tag as usize].push(node);
            }
            if attributed {
                elements.attributed.push(node);
            }
        }
        elements
    }

    /// The elements of one [`Tag`], in page order.
    pub(super) fn tagged(&self, tag: Tag) -> &[NodeRef<'a>] {
        &self.tagged[tag as usize]
    }

    /// The elements of one [`Tag`] that match `selector`, in page order.
    pub(super) fn tagged_matching<'s>(
        &'s self,
        tag: Tag,
        selector: &'s Matcher,
    ) -> impl Iterator<Item = &'s NodeRef<'a>> + 's {
        self.tagged(tag).iter().filter(move |n| n.is_match(selector))
    }

    /// The elements with one of [`ATTRIBUTES`] that match `selector` (a selector on those
    /// attributes), in page order.
    pub(super) fn attributed_matching<'s>(
        &'s self,
        selector: &'s Matcher,
    ) -> impl Iterator<Item = &'s NodeRef<'a>> + 's {
        self.attributed.iter().filter(move |n| n.is_match(selector))
    }
}

#[cfg(test)]
mod tests {
    use super::{Elements, Tag};

    #[test]
    fn gathers_by_tag_and_attribute_in_page_order() {
        let tree = dom_query::Document::from(
            r#"<html lang=en><head><title>T</title><meta name=a content=1><link rel=canonical href=/x></head>
               <body><div role=main><h1>One</h1><span itemprop=author>Ann</span></div><main><h1>Two</h1>
               <time datetime=2025-01-02>2 Jan</time></main><article property="schema:datePublished">x</article></body></html>"#,
        );
        let elements = Elements::gather(&tree);
        let names = |tag| -> Vec<String> {
            elements
                .tagged(tag)
                .iter()
                .map(|n| n.node_name().unwrap_or_default().to_string())
                .collect()
        };
        assert_eq!(names(Tag::Main), ["div", "main"]);
        assert_eq!(names(Tag::H1).len(), 2);
        for tag in [
            Tag::Html,
            Tag::Body,
            Tag::Title,
            Tag::Meta,
            Tag::Link,
            Tag::Time,
            Tag::Article,
        ] {
            assert_eq!(names(tag).len(), 1, "{tag:?}");
        }
        assert!(names(Tag::Script).is_empty());
        let attributed: Vec<String> = elements
            .attributed
            .iter()
            .map(|n| n.node_name().unwrap_or_default().to_string())
            .collect();
        assert_eq!(attributed, ["link", "div", "span", "article"]);
    }
}
