#!/usr/bin/env python3
"""Writes src/einvoice/en16931/codelists.rs from the official EN 16931 XSLTs (1.3.16).

Usage: python3 tests/validators/gen_codelists.py > src/einvoice/en16931/codelists.rs && cargo fmt

Each list is the one the XSLT's BR-CL rule tests against (read from its `test` expression),
sorted for a binary search. Where the UBL and CII artefacts disagree (BT-3 codes, UNTDID 4451,
ISO 3166 `SS`/`AN`, the VAT identifier prefixes of BR-CO-09) both lists are written.
The unit test `codelists_match_the_xslt` checks the file against the XSLTs again.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(HERE, "en16931-1.3.16")
XSL = "{http://www.w3.org/1999/XSL/Transform}"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


def asserts(path):
    """rule id -> list of test expressions (in document order)."""
    from xml.etree import ElementTree as ET

    out = {}
    tree = ET.parse(path)
    for choose in tree.iter(XSL + "choose"):
        when = choose.find(XSL + "when")
        other = choose.find(XSL + "otherwise")
        if when is None or other is None:
            continue
        fa = other.find(SVRL + "failed-assert")
        if fa is None:
            continue
        rid = None
        for attr in fa.findall(XSL + "attribute"):
            if attr.get("name") == "id":
                rid = "".join(attr.itertext()).strip()
        rid = rid or fa.get("id")
        out.setdefault(rid, []).append(when.get("test"))
    return out


def lists(test):
    return [l.split() for l in re.findall(r"'( [^']{3,} )'", test)]


def main():
    ubl = asserts(os.path.join(BASE, "ubl", "EN16931-UBL-validation.xslt"))
    cii = asserts(os.path.join(BASE, "cii", "EN16931-CII-validation.xslt"))
    consts = []

    def const(name, doc, codes):
        codes = sorted(set(codes))
        body = "\n".join(
            "    " + " ".join(f'"{c}",' for c in codes[i : i + 10]) for i in range(0, len(codes), 10)
        )
        consts.append(f"/// {doc}\npub const {name}: &[&str] = &[\n{body}\n];\n")

    one = lambda rules, rid, i=0: lists(rules[rid][0])[i]
    const("CURRENCY", "ISO 4217 alpha-3 (BR-CL-03, BR-CL-04, BR-CL-05).", one(ubl, "BR-CL-04"))
    assert set(one(ubl, "BR-CL-04")) == set(one(cii, "BR-CL-04"))
    const("INVOICE_TYPE_UBL", "UNTDID 1001, UBL `InvoiceTypeCode` (BR-CL-01).", one(ubl, "BR-CL-01", 0))
    const("CREDIT_NOTE_TYPE_UBL", "UNTDID 1001, UBL `CreditNoteTypeCode` (BR-CL-01).", one(ubl, "BR-CL-01", 1))
    const("DOCUMENT_TYPE_CII", "UNTDID 1001, CII `TypeCode` (BR-CL-01).", one(cii, "BR-CL-01"))
    const("TAX_POINT_CODE_UBL", "UNTDID 2005 subset, UBL (BR-CL-06).", re.findall(r"' ([0-9 ]+) '", ubl["BR-CL-06"][0])[0].split())
    const("TAX_POINT_CODE_CII", "UNTDID 2475 subset, CII (BR-CL-06).", re.findall(r"' ([0-9 ]+) '", cii["BR-CL-06"][0])[0].split())
    const("OBJECT_SCHEME", "UNTDID 1153 (BR-CL-07).", one(ubl, "BR-CL-07"))
    const("NOTE_SUBJECT_UBL", "UNTDID 4451, UBL (BR-CL-08).", one(ubl, "BR-CL-08"))
    const("NOTE_SUBJECT_CII", "UNTDID 4451, CII (BR-CL-08).", one(cii, "BR-CL-08"))
    const("ICD", "ISO 6523 ICD (BR-CL-10, BR-CL-11, BR-CL-21, BR-CL-26).", one(ubl, "BR-CL-11"))
    for rid in ("BR-CL-10", "BR-CL-21", "BR-CL-26"):
        assert set(one(ubl, rid)) == set(one(ubl, "BR-CL-11")) == set(one(cii, rid)), rid
    const("ITEM_CLASSIFICATION", "UNTDID 7143 (BR-CL-13).", one(ubl, "BR-CL-13"))
    const("COUNTRY_UBL", "ISO 3166-1 alpha-2 as the UBL artefacts list it (BR-CL-14, BR-CL-15).", one(ubl, "BR-CL-14"))
    const("COUNTRY_CII", "ISO 3166-1 alpha-2 as the CII artefacts list it (BR-CL-14, BR-CL-15).", one(cii, "BR-CL-14"))
    const("PAYMENT_MEANS", "UNCL 4461 (BR-CL-16).", one(ubl, "BR-CL-16"))
    const("VAT_CATEGORY", "UNCL 5305 subset (BR-CL-17, BR-CL-18).", re.findall(r"' (AE [A-Z ]+) '", ubl["BR-CL-17"][0])[0].split())
    const("ALLOWANCE_REASON", "UNCL 5189 (BR-CL-19).", one(ubl, "BR-CL-19"))
    const("CHARGE_REASON", "UNCL 7161 (BR-CL-20).", one(ubl, "BR-CL-20"))
    const("VATEX", "CEF VATEX, upper case (BR-CL-22).", one(ubl, "BR-CL-22"))
    const("UNIT", "UN/ECE Recommendation 20 with Rec 21 (BR-CL-23).", one(ubl, "BR-CL-23"))
    const("EAS", "CEF EAS (BR-CL-25).", one(ubl, "BR-CL-25"))
    const("VAT_PREFIX_UBL", "VAT identifier prefixes, UBL (BR-CO-09).", one(ubl, "BR-CO-09"))
    const("VAT_PREFIX_CII", "VAT identifier prefixes, CII (BR-CO-09).", one(cii, "BR-CO-09"))
    for rid in ("BR-CL-03", "BR-CL-05"):
        assert set(one(ubl, rid)) == set(one(ubl, "BR-CL-04")), rid
    for rid in ("BR-CL-07", "BR-CL-13", "BR-CL-16", "BR-CL-19", "BR-CL-20", "BR-CL-22", "BR-CL-23", "BR-CL-25"):
        assert set(one(ubl, rid)) == set(one(cii, rid)), rid
    mimes = re.findall(r"@mimeCode\s*=\s*'([^']+)'", ubl["BR-CL-24"][0])
    assert set(mimes) == set(re.findall(r"@mimeCode\s*=\s*'([^']+)'", cii["BR-CL-24"][0]))
    const("MIME", "MIME codes allowed for an attachment (BR-CL-24).", mimes)
    sys.stdout.write(
        "//! The code lists of the EN 16931 rules, as the official validation artefacts 1.3.16 test\n"
        "//! them. GENERATED by tests/validators/gen_codelists.py from the XSLTs in\n"
        "//! tests/validators/en16931-1.3.16: do not edit by hand.\n\n"
    )
    sys.stdout.write("\n".join(consts))


main()
