//! Test helpers: every chart is read back with a real XML parser (roxmltree) and checked.

use roxmltree::{Document, Node};

/// Parses `svg` and checks what every chart must have: the SVG namespace, a `viewBox` equal to
/// the size, `role="img"` labelled by its `<title>` and `<desc>`, and no NaN or infinity.
pub(crate) fn parse(svg: &str) -> Document<'_> {
    assert!(!svg.contains("NaN"), "NaN in the SVG: {svg}");
    let doc = Document::parse(svg).unwrap_or_else(|e| panic!("not XML ({e}): {svg}"));
    // Coordinates and path data are plain numbers (no "inf", no exponent).
    const NUMERIC: [&str; 14] =
        ["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "d", "viewBox", "font-size"];
    for node in doc.descendants() {
        for a in node.attributes().filter(|a| NUMERIC.contains(&a.name())) {
            let ok = a.value() == "100%" || a.value().chars().all(|c| "0123456789.- MLlz".contains(c));
            assert!(ok, "{}={:?} in {svg}", a.name(), a.value());
        }
    }
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"));
    assert_eq!(root.attribute("role"), Some("img"));
    let (w, h) = (root.attribute("width").unwrap(), root.attribute("height").unwrap());
    assert_eq!(root.attribute("viewBox"), Some(format!("0 0 {w} {h}").as_str()));
    for id in root.attribute("aria-labelledby").unwrap().split(' ') {
        let target = doc.descendants().find(|n| n.attribute("id") == Some(id));
        assert!(target.is_some_and(|t| ["title", "desc"].contains(&t.tag_name().name())), "no element {id}");
    }
    doc
}

/// The elements with `class`.
pub(crate) fn class<'a, 'i>(doc: &'a Document<'i>, class: &str) -> Vec<Node<'a, 'i>> {
    doc.descendants().filter(|n| n.attribute("class") == Some(class)).collect()
}

/// A numeric attribute.
pub(crate) fn num(node: &Node<'_, '_>, name: &str) -> f64 {
    node.attribute(name).unwrap_or_else(|| panic!("no {name} on {node:?}")).parse().unwrap()
}

/// The text content of the elements with `class`.
pub(crate) fn texts(doc: &Document<'_>, class_name: &str) -> Vec<String> {
    class(doc, class_name).iter().map(|n| n.text().unwrap_or_default().to_owned()).collect()
}

/// All the text shown (not titles and descriptions), joined by spaces.
pub(crate) fn all_text(doc: &Document<'_>) -> String {
    doc.descendants().filter(|n| n.tag_name().name() == "text").filter_map(|n| n.text()).collect::<Vec<_>>().join(" ")
}
