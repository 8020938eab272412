//! The fonts compiled into the binary (see `assets/fonts/SOURCES.md`; made by
//! `scripts/refdata/fonts.sh`). No font is ever read from the file system at run time.

/// Embeds `assets/fonts/NAME` (at the workspace root) as `(NAME, bytes)`.
macro_rules! font {
    ($name:literal) => {
        ($name, include_bytes!(concat!("../../../../assets/fonts/", $name)).as_slice())
    };
}

/// Every embedded font file, body font first.
pub(super) const FONTS: [(&str, &[u8]); 11] = [
    font!("TitilliumWeb-Regular.ttf"),
    font!("TitilliumWeb-Italic.ttf"),
    font!("TitilliumWeb-SemiBold.ttf"),
    font!("TitilliumWeb-SemiBoldItalic.ttf"),
    font!("TitilliumWeb-Bold.ttf"),
    font!("TitilliumWeb-BoldItalic.ttf"),
    font!("DejaVuSans.ttf"),
    font!("DejaVuSans-Bold.ttf"),
    font!("DejaVuSansMono.ttf"),
    font!("DejaVuSansMono-Bold.ttf"),
    font!("DejaVuMathTeXGyre.ttf"),
];
