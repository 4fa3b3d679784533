//! The QR code of Appendix A: its parts and patterns.

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn qr(
        &mut self,
        names: &Names<'a>,
        _types: &IndexMap<String, NamedType>,
        _tables: &IndexMap<String, CodeTable>,
        q: &Sp<raw::RawQrCode>,
    ) -> QrCode {
        let r = &q.value;
        let prov = self.prov(&r.doc, "the QR-code section", q.loc);
        let parts = r
            .parts
            .iter()
            .map(|p| {
                let (kind, loc) = match &p.kind {
                    raw::RawQrKind::Literal(text) => {
                        (QrPartKind::Literal(text.value.clone()), text.loc)
                    }
                    raw::RawQrKind::Field { field, ty } => {
                        let mut stack = Vec::new();
                        let ty = ty
                            .as_ref()
                            .and_then(|t| self.resolve_type(names, t, &mut stack));
                        (
                            QrPartKind::Field {
                                field: field.value.clone(),
                                ty,
                            },
                            field.loc,
                        )
                    }
                    raw::RawQrKind::Tail => (QrPartKind::Tail, q.loc),
                };
                QrPart {
                    kind,
                    info: self.info(&p.doc),
                    prov: self.prov(&p.doc, "a QR-code part", loc),
                }
            })
            .collect();
        let patterns = r
            .patterns
            .iter()
            .map(|p| {
                self.pattern(&p.pattern);
                QrPattern {
                    name: p.name.value.clone(),
                    pattern: p.pattern.value.clone(),
                    info: self.info(&p.doc),
                    prov: self.prov(&p.doc, "a QR-code pattern", p.name.loc),
                }
            })
            .collect();
        QrCode {
            info: self.info(&r.doc),
            prov,
            parts,
            patterns,
        }
    }
}
