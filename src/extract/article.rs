//! Finds the article's container in the tree (furniture already removed) and reads its text.
//!
//! The scoring is readability's (Mozilla's Readability.js, `_grabArticle`), counted in bytes of
//! paragraph text: every paragraph gives its bytes to its parent, half to its grandparent and
//! less further up; the element with the most, weighed down by its share of link text and moved
//! up as Readability.js moves it, is the container, and its siblings that read as article text
//! join it. One walk measures, one reads; the reading leaves out blocks that hold no paragraph
//! and read as clutter (link lists, tag rows, widget boxes).

use super::is_inside;
use dom_query::{Document as Tree, NodeData, NodeId, NodeRef};
use std::collections::HashSet;

/// A block whose own running text (not counting its block children) is longer than this, in
/// bytes, is a paragraph; shorter ones are labels and bylines as often as prose. Readability.js
/// counts from 25 characters; 50 bytes is that for Latin script with room for the multi-byte
/// ones (about 17 CJK characters), and scored best on the extraction corpus.
pub(super) const PARAGRAPH_BYTES: usize = 50;

/// A sibling of the container joins it when its score is at least this share of the
/// container's (Readability.js: `Math.max(10, topCandidate.contentScore * 0.2)`).
const SIBLING_SHARE: f32 = 0.2;

/// A paragraph sibling joins the container when its link text is below this share of its text
/// (Readability.js's rule for `<p>` siblings).
const SIBLING_LINK_DENSITY: f32 = 0.25;

/// A block with no paragraph inside is left out when more than this share of its text is links.
const LINK_LIST_DENSITY: f32 = 0.5;

/// The least score that lets a sibling join the container, whatever the container's score
/// (Readability.js's floor of 10, here in bytes of paragraph text).
const SIBLING_FLOOR: f32 = 10.0;

/// How an element takes part in the text.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Never text: embedded content, form controls, scripts.
    Skip,
    /// A line break (`<br>`, `<hr>`).
    Break,
    /// Starts and ends a line of its own (WHATWG HTML's block-level rendering), and is a
    /// paragraph when it holds enough running text of its own: `<p>`, `<pre>`, `<td>`, and the
    /// generic containers that pages use as paragraphs (Readability.js: a `<div>` with phrasing
    /// content is read as a `<p>`).
    Prose,
    /// Starts and ends a line of its own but is never a paragraph: list items, headings, captions.
    Block,
    /// Flows with the text around it; elements not named here are read as inline, as browsers do.
    Inline,
}

fn kind(tag: &str) -> Kind {
    match tag {
        "script" | "style" | "noscript" | "template" | "iframe" | "object" | "embed" | "canvas" | "video" | "audio"
        | "svg" | "math" | "select" | "button" | "input" | "textarea" | "head" | "title" | "img" | "picture"
        | "source" | "map" | "meta" | "link" | "option" | "datalist" => Kind::Skip,
        "br" | "hr" => Kind::Break,
        "p" | "pre" | "td" | "div" | "section" | "article" | "main" | "blockquote" | "center" => Kind::Prose,
        "address" | "aside" | "body" | "dd" | "details" | "dialog" | "dir" | "dl" | "dt" | "fieldset"
        | "figcaption" | "figure" | "footer" | "form" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "header"
        | "hgroup" | "li" | "menu" | "nav" | "ol" | "summary" | "table" | "tbody" | "thead" | "tfoot" | "tr" | "th"
        | "caption" | "legend" | "ul" | "html" => Kind::Block,
        _ => Kind::Inline,
    }
}

/// Sums over a subtree, in bytes of text as the parser decoded it.
#[derive(Default, Clone, Copy)]
struct Sums {
    text: usize,
    /// Text inside `<a>`.
    links: usize,
    /// Text of the paragraphs inside.
    weight: usize,
}

impl Sums {
    fn add(&mut self, other: Sums) {
        self.text += other.text;
        self.links += other.links;
        self.weight += other.weight;
    }

    /// Share of the text that is link text, 0.0–1.0.
    fn link_density(self) -> f32 {
        if self.text == 0 {
            0.0
        } else {
            self.links as f32 / self.text as f32
        }
    }
}

/// How many levels of ancestors a paragraph gives its weight to, and by what each level divides
/// it (Readability.js: parent 1, grandparent 2, then the level times 3).
const ANCESTOR_DIVIDERS: [f32; 5] = [1.0, 2.0, 6.0, 9.0, 12.0];

/// What measuring one element found.
#[derive(Default, Clone, Copy)]
struct Measured {
    sums: Sums,
    /// Running text of the element itself: its text and its inline elements', not its blocks'.
    inline: usize,
    inline_links: usize,
    /// The element's own paragraph weight: its running text when it is a paragraph, else 0.
    paragraph: usize,
    /// Paragraph weight of its children, grandchildren and so on, [`ANCESTOR_DIVIDERS`] deep.
    below: [usize; ANCESTOR_DIVIDERS.len()],
    /// Readability's content score: the paragraph weight below, each level divided by its
    /// [`ANCESTOR_DIVIDERS`], less the share of link text; 0.0 up to the element's text bytes.
    score: f32,
}

/// The element's kind, or `None` for text and other nodes.
fn kind_of(node: &NodeRef) -> Option<Kind> {
    node.query_or(None, |n| match &n.data {
        NodeData::Element(el) => Some(kind(&el.name.local)),
        _ => None,
    })
}

fn has_tag(node: &NodeRef, tag: &str) -> bool {
    node.query_or(
        false,
        |n| matches!(&n.data, NodeData::Element(el) if &*el.name.local == tag),
    )
}

fn is_link(node: &NodeRef) -> bool {
    has_tag(node, "a")
}

/// Byte length of a text node, without surrounding whitespace; `None` for other nodes.
fn text_len(node: &NodeRef) -> Option<usize> {
    node.query_or(None, |n| match &n.data {
        NodeData::Text { contents } => Some(contents.trim().len()),
        _ => None,
    })
}

/// One element that scored, as the measuring walk left it.
#[derive(Clone, Copy)]
struct Candidate<'a> {
    node: NodeRef<'a>,
    score: f32,
}

/// The measuring walk: every element that scored, in post-order (children before parents).
#[derive(Default)]
struct Measure<'a> {
    candidates: Vec<Candidate<'a>>,
}

impl<'a> Measure<'a> {
    fn visit(&mut self, node: &NodeRef<'a>, kind: Kind, in_link: bool) -> Measured {
        let mut m = Measured::default();
        let mut child = node.first_child();
        while let Some(c) = child {
            child = c.next_sibling();
            if let Some(len) = text_len(&c) {
                m.sums.text += len;
                m.inline += len;
                if in_link {
                    m.sums.links += len;
                    m.inline_links += len;
                }
                continue;
            }
            let Some(ck) = kind_of(&c) else { continue };
            if matches!(ck, Kind::Skip | Kind::Break) {
                continue;
            }
            let cm = self.visit(&c, ck, in_link || is_link(&c));
            m.sums.add(cm.sums);
            if ck == Kind::Inline {
                m.inline += cm.inline;
                m.inline_links += cm.inline_links;
            }
            m.below[0] += cm.paragraph;
            for level in 1..m.below.len() {
                m.below[level] += cm.below[level - 1];
            }
        }
        if kind == Kind::Prose && m.inline > PARAGRAPH_BYTES && m.inline_links * 2 < m.inline {
            m.paragraph = m.inline;
            m.sums.weight += m.inline;
        }
        let weighed: f32 = m.below.iter().zip(ANCESTOR_DIVIDERS).map(|(w, d)| *w as f32 / d).sum();
        m.score = weighed * (1.0 - m.sums.link_density());
        if m.score > 0.0 {
            self.candidates.push(Candidate {
                node: *node,
                score: m.score,
            });
        }
        m
    }

    fn score_of(&self, node: &NodeRef) -> Option<f32> {
        self.candidates.iter().find(|c| c.node.id == node.id).map(|c| c.score)
    }

    /// The container: the best-scoring element, moved up as Readability.js moves it. To the
    /// nearest ancestor shared by most of the runners-up (an article split into several blocks);
    /// to a parent that scores higher, climbing while scores stay above a third; and past
    /// wrappers that hold nothing else, so that its siblings can join it. The body itself when
    /// its own paragraphs score best (a page with its text straight in `<body>`).
    fn container(&self, body: &NodeRef<'a>) -> Option<Candidate<'a>> {
        let mut ranked: Vec<Candidate> = self.candidates.clone();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
        let mut top = *ranked.first()?;
        let alternatives: Vec<&Candidate> = ranked[1..ranked.len().min(TOP_CANDIDATES)]
            .iter()
            .filter(|c| c.score >= top.score * ALTERNATIVE_SHARE)
            .collect();
        if alternatives.len() >= MIN_ALTERNATIVES {
            let mut ancestor = top.node.parent();
            while let Some(a) = ancestor.filter(|a| a.id != body.id) {
                let holding = alternatives.iter().filter(|c| is_inside(&c.node, &a)).count();
                if holding >= MIN_ALTERNATIVES {
                    top = Candidate {
                        node: a,
                        score: self.score_of(&a).unwrap_or(top.score),
                    };
                    break;
                }
                ancestor = a.parent();
            }
        }
        let mut last = top.score;
        let floor = top.score / 3.0;
        let mut parent = top.node.parent();
        while let Some(p) = parent.filter(|p| p.id != body.id) {
            let Some(score) = self.score_of(&p) else {
                parent = p.parent();
                continue;
            };
            if score < floor {
                break;
            }
            if score > last {
                top = Candidate { node: p, score };
                break;
            }
            last = score;
            parent = p.parent();
        }
        while let Some(p) = top
            .node
            .parent()
            .filter(|p| p.id != body.id && p.children_it(false).filter(NodeRef::is_element).take(2).count() == 1)
        {
            top.node = p;
        }
        Some(top)
    }
}

impl<'a> Measure<'a> {
    /// The container and the rest of the article, in page order: its siblings that read as
    /// article text, and elements elsewhere named as it is (the same tag and class) that score
    /// as its siblings must — an article the page split into several blocks around ads or
    /// pull quotes, each in a wrapper of its own. The body is read whole.
    fn parts(&self, top: Candidate<'a>) -> Vec<NodeRef<'a>> {
        if has_tag(&top.node, "body") {
            return vec![top.node];
        }
        let mut parts = with_siblings(&top.node, top.score);
        // The container as chosen, and the best-scoring element it was moved up from.
        let best = self.candidates.iter().max_by(|a, b| a.score.total_cmp(&b.score));
        let names: Vec<(String, String)> = [Some(&top.node), best.map(|b| &b.node)]
            .into_iter()
            .flatten()
            .filter_map(tag_and_class)
            .collect();
        if names.is_empty() {
            return parts;
        }
        let floor = top.score * SIBLING_SHARE;
        // What the parts hold, and what holds them: a candidate in either overlaps a part.
        let mut inside: HashSet<NodeId> = parts.iter().map(|p| p.id).collect();
        let mut holding: HashSet<NodeId> = parts.iter().flat_map(|p| p.ancestors_it(None)).map(|a| a.id).collect();
        for c in &self.candidates {
            let named = || tag_and_class(&c.node).is_some_and(|name| names.contains(&name));
            let overlaps = || {
                holding.contains(&c.node.id)
                    || std::iter::once(c.node)
                        .chain(c.node.ancestors_it(None))
                        .any(|a| inside.contains(&a.id))
            };
            if c.score >= floor && named() && !overlaps() {
                inside.insert(c.node.id);
                holding.extend(c.node.ancestors_it(None).map(|a| a.id));
                parts.push(c.node);
            }
        }
        // Node ids are given in parse order, which is page order.
        parts.sort_by_key(|p| p.id);
        parts
    }
}

/// An element's tag and its class names, whitespace collapsed; `None` without a class.
fn tag_and_class(node: &NodeRef) -> Option<(String, String)> {
    node.query_or(None, |t| match &t.data {
        NodeData::Element(el) => {
            let class = el.attrs.iter().find(|a| &*a.name.local == "class")?;
            let class = class.value.split_whitespace().collect::<Vec<_>>().join(" ");
            (!class.is_empty()).then(|| (el.name.local.to_string(), class))
        }
        _ => None,
    })
}

/// Readability.js's constants for the runners-up: how many are looked at, how close they must
/// score, and how many must share an ancestor for it to become the container.
const TOP_CANDIDATES: usize = 5;
const ALTERNATIVE_SHARE: f32 = 0.75;
const MIN_ALTERNATIVES: usize = 3;

/// Measures one element on its own (a sibling of the container).
fn measure(node: &NodeRef) -> Measured {
    let kind = kind_of(node).unwrap_or(Kind::Inline);
    Measure::default().visit(node, kind, is_link(node))
}

/// The article's main text as paragraphs (one per line of rendered text, whitespace collapsed),
/// empty when the page has no body.
pub(super) fn read(tree: &Tree) -> Vec<String> {
    let Some(body) = tree.body() else { return Vec::new() };
    let mut walk = Measure::default();
    walk.visit(&body, Kind::Block, false);
    let mut out = String::new();
    let top = walk.container(&body);
    match top {
        Some(top) => {
            for part in walk.parts(top) {
                emit_block(&part, &mut out);
            }
        }
        None => emit_block(&body, &mut out),
    }
    out.split('\n')
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

/// The container and those of its siblings that read as article text, in page order.
fn with_siblings<'a>(top: &NodeRef<'a>, score: f32) -> Vec<NodeRef<'a>> {
    let Some(parent) = top.parent() else { return vec![*top] };
    let threshold = (score * SIBLING_SHARE).max(SIBLING_FLOOR);
    let class = top.attr("class").filter(|c| !c.trim().is_empty());
    let mut parts = Vec::new();
    let mut sibling = parent.first_child();
    while let Some(s) = sibling {
        sibling = s.next_sibling();
        if s.id == top.id {
            parts.push(s);
            continue;
        }
        if !s.is_element() || matches!(kind_of(&s), Some(Kind::Skip | Kind::Break)) {
            continue;
        }
        let m = measure(&s);
        let density = m.sums.link_density();
        let same_class = m.score > 0.0 && class.is_some() && s.attr("class") == class;
        let bonus = if same_class { score * SIBLING_SHARE } else { 0.0 };
        let joins = m.score + bonus >= threshold
            || (m.paragraph > 0 && density < SIBLING_LINK_DENSITY)
            || (m.sums.text > 0 && m.sums.links == 0 && m.paragraph == 0 && ends_a_sentence(&s));
        if joins {
            parts.push(s);
        }
    }
    parts
}

/// True when the element is a `<p>` whose text ends a sentence (Readability.js's test for short
/// paragraph siblings, `/\.( |$)/`; it is asked only of those too short to be paragraphs).
fn ends_a_sentence(node: &NodeRef) -> bool {
    has_tag(node, "p") && {
        let text = node.text();
        let text = text.trim_end();
        text.ends_with('.') || text.contains(". ")
    }
}

/// Reads `node` as a block of its own: a line break before and after.
fn emit_block(node: &NodeRef, out: &mut String) {
    out.push('\n');
    let _ = emit(node, out, is_link(node));
    out.push('\n');
}

/// What the reading kept of a subtree: its sums, and the counts the clean-up weighs.
#[derive(Default, Clone, Copy)]
struct Kept {
    sums: Sums,
    /// `<p>` elements, `<li>` elements, and commas (`,`) in the text.
    paragraphs: usize,
    items: usize,
    commas: usize,
}

impl Kept {
    fn add(&mut self, other: Kept) {
        self.sums.add(other.sums);
        self.paragraphs += other.paragraphs;
        self.items += other.items;
        self.commas += other.commas;
    }
}

/// Whether a block with no paragraph in it is clutter rather than article text, after
/// Readability.js's `_cleanConditionally`: mostly links; or, for a `div`, `section` or `table`
/// with fewer than ten commas, more list items than paragraphs, or a fifth of its text in links.
fn is_clutter(kept: Kept, tag: Counted) -> bool {
    if kept.sums.weight > 0 {
        return false;
    }
    let density = kept.sums.link_density();
    if density > LINK_LIST_DENSITY {
        return true;
    }
    tag == Counted::Generic
        && kept.commas < CLUTTER_COMMAS
        && (kept.items > kept.paragraphs || density > CLUTTER_LINK_DENSITY)
}

/// Readability.js's thresholds for `_cleanConditionally`: a block with this many commas is
/// prose; below it, a box whose text is more than this share links is clutter.
const CLUTTER_COMMAS: usize = 10;
const CLUTTER_LINK_DENSITY: f32 = 0.2;

/// Appends the text of `node`'s children to `out`, blocks on lines of their own, and returns
/// what it kept. A block that holds no paragraph and reads as clutter ([`is_clutter`]) is taken
/// back out.
fn emit(node: &NodeRef, out: &mut String, in_link: bool) -> Kept {
    let mut kept = Kept::default();
    let (mut inline, mut inline_links) = (0, 0);
    let mut child = node.first_child();
    while let Some(c) = child {
        child = c.next_sibling();
        let pushed = c.query_or(None, |n| match &n.data {
            NodeData::Text { contents } => Some(push_text(out, contents)),
            _ => None,
        });
        if let Some((len, commas)) = pushed {
            kept.sums.text += len;
            kept.commas += commas;
            inline += len;
            if in_link {
                kept.sums.links += len;
                inline_links += len;
            }
            continue;
        }
        let Some((kind, tag)) = c
            .query(|n| match &n.data {
                NodeData::Element(el) => Some((kind(&el.name.local), tag_counted(&el.name.local))),
                _ => None,
            })
            .flatten()
        else {
            continue;
        };
        match kind {
            Kind::Skip => {}
            Kind::Break => out.push('\n'),
            Kind::Inline => {
                let k = emit(&c, out, in_link || is_link(&c));
                kept.add(k);
                inline += k.sums.text;
                inline_links += k.sums.links;
            }
            Kind::Block | Kind::Prose => {
                let mark = out.len();
                out.push('\n');
                let mut k = emit(&c, out, in_link);
                out.push('\n');
                match tag {
                    Counted::Paragraph => k.paragraphs += 1,
                    Counted::Item => k.items += 1,
                    _ => {}
                }
                if is_clutter(k, tag) {
                    out.truncate(mark);
                } else {
                    kept.add(k);
                }
            }
        }
    }
    if inline > PARAGRAPH_BYTES && inline_links * 2 < inline {
        kept.sums.weight += inline;
    }
    kept
}

/// The elements the clean-up ([`is_clutter`]) counts, and those it weighs more strictly.
#[derive(Clone, Copy, PartialEq)]
enum Counted {
    /// `<p>`.
    Paragraph,
    /// `<li>`.
    Item,
    /// `<div>`, `<section>` or `<table>`: a generic box, which pages fill with link rows and
    /// widgets as often as with text.
    Generic,
    Other,
}

fn tag_counted(tag: &str) -> Counted {
    match tag {
        "p" => Counted::Paragraph,
        "li" => Counted::Item,
        "div" | "section" | "table" => Counted::Generic,
        _ => Counted::Other,
    }
}

/// Appends text with runs of whitespace collapsed to one space (none at a line's start), and
/// returns its length in bytes without surrounding whitespace, and its commas.
fn push_text(out: &mut String, text: &str) -> (usize, usize) {
    let trimmed = text.trim();
    let space_before = trimmed.len() < text.len() && text.starts_with(char::is_whitespace);
    let needs_space = |out: &String| !out.is_empty() && !out.ends_with([' ', '\n']);
    if trimmed.is_empty() {
        if !text.is_empty() && needs_space(out) {
            out.push(' ');
        }
        return (0, 0);
    }
    let mut first = true;
    for word in trimmed.split_whitespace() {
        if (!first || space_before) && needs_space(out) {
            out.push(' ');
        }
        out.push_str(word);
        first = false;
    }
    if text.ends_with(char::is_whitespace) {
        out.push(' ');
    }
    (trimmed.len(), memchr::memchr_iter(b',', trimmed.as_bytes()).count())
}

#[cfg(test)]
mod tests {
    use super::read;

    fn text_of(html: &str) -> Vec<String> {
        read(&dom_query::Document::from(html))
    }

    #[test]
    fn reads_the_container_of_the_paragraphs_and_leaves_link_lists_out() {
        let prose = "Taiwan can help fight cybercrime, and its police have shown how, case after case, across borders.";
        let html = format!(
            "<body><div id=top><a href=/>Home</a> <a href=/w>World</a></div>\
             <div class=story><h2>Sub head</h2><p>{prose}</p><p>{prose}</p><p>Short line.</p>\
             <ul><li><a href=/1>Another story</a></li><li><a href=/2>And another</a></li></ul>\
             <p>Last <b>bold</b> words, then a<br>break.</p></div>\
             <div class=rail><p><a href=/3>{prose}</a></p></div></body>"
        );
        assert_eq!(
            text_of(&html),
            [
                "Sub head",
                prose,
                prose,
                "Short line.",
                "Last bold words, then a",
                "break."
            ]
        );
    }

    #[test]
    fn joins_sibling_paragraphs_split_by_an_ad() {
        let a = "The first half of the article runs long enough to be a paragraph of its own, no doubt.";
        let b = "The second half, after the advertisement, is as long as the first and just as plain.";
        let html = format!(
            "<body><main><div><p>{a}</p><p>{a}</p></div><div>Ad</div><div><p>{b}</p><p>{b}</p></div></main></body>"
        );
        assert_eq!(text_of(&html), [a, a, b, b]);
    }

    #[test]
    fn an_article_split_into_blocks_named_alike_is_read_whole_once() {
        let a = "Each block of this long article holds one paragraph of plain prose, long enough to count.";
        let block = format!(
            "<div class=wrap><div class=chunk><p>{a}</p><p>{a}</p></div><ul><li><a href=/more>More</a></li></ul></div>"
        );
        let html = format!(
            "<body><main>{}</main><div class=rail><p>{a}</p></div></body>",
            block.repeat(3_000)
        );
        let text = text_of(&html);
        assert_eq!(text.len(), 6_000);
        assert!(text.iter().all(|line| line == a));
    }

    #[test]
    fn blocks_named_as_the_container_join_it_from_other_wrappers() {
        let a = "The article's first part sits in a grid cell of its own, beside a rail of advertising.";
        let b = "Its second part sits in the next grid cell, with another rail, and is read after it.";
        let cell = |p: &str, n: usize| {
            format!(
                "<div class=grid><div class=body>{}</div><div class=rail>Ad</div></div>",
                format!("<p>{p}</p>").repeat(n)
            )
        };
        let html = format!(
            "<body><div class=chunks>{}<div>Promo</div>{}</div></body>",
            cell(a, 3),
            cell(b, 2)
        );
        assert_eq!(text_of(&html), [a, a, a, b, b]);
    }

    #[test]
    fn paragraphs_straight_in_the_body_make_the_body_the_container() {
        let a = "This page writes its article straight into the body, with no wrapper around it at all.";
        let html = format!("<body><p>{a}</p><h2>A subheading</h2><p>{a}</p><div class=box><p>{a}</p></div></body>");
        assert_eq!(text_of(&html), [a, "A subheading", a, a]);
    }

    #[test]
    fn inline_elements_such_as_font_stay_in_their_sentence() {
        let html = "<body><div><p>Old sites colour <font color=red>a word</font> inside a sentence, \
                    <center>and centre a line</center> of their own.</p></div></body>";
        assert_eq!(
            text_of(html),
            [
                "Old sites colour a word inside a sentence,",
                "and centre a line",
                "of their own."
            ]
        );
    }

    #[test]
    fn a_page_without_paragraphs_is_read_whole() {
        assert_eq!(text_of("<p>One.</p><div>Two <i>three</i></div>"), ["One.", "Two three"]);
        assert!(text_of("").is_empty());
    }
}
