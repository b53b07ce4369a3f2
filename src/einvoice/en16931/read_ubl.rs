//! UBL 2.1 Invoice / CreditNote → model (CEN/TS 16931-3-2 binding). Tolerant: an element
//! that is missing is an absent term, a value that cannot be read (a date, a decimal) too;
//! the rules judge what is left.

use super::model::*;
use super::write_ubl::{INVOICED_OBJECT, NO_ORDER, PROJECT};
use super::xmltree::{Element, Ns};
use base64::Engine as _;
use chrono::NaiveDate;
use std::borrow::Cow;

const CAC: Ns = Ns::Cac;
const CBC: Ns = Ns::Cbc;

fn date(e: &Element, name: &str) -> Option<NaiveDate> {
    let text = e.child(CBC, name)?.text.trim().to_string();
    // xs:date may carry a time zone after the day.
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

fn id_of(e: &Element) -> Identifier<'static> {
    Identifier {
        value: e.term(),
        scheme: e.attr_string("schemeID"),
    }
}

fn bool_of(e: &Element) -> bool {
    matches!(e.text.trim(), "true" | "1")
}

/// `cac:TaxScheme/normalize-space(upper-case(cbc:ID)) = 'VAT'`.
fn is_vat(e: &Element) -> bool {
    e.path(&[(CAC, "TaxScheme"), (CBC, "ID")])
        .is_some_and(|id| id.text.trim().to_uppercase() == "VAT")
}

fn vat_category(e: &Element) -> VatCategory<'static> {
    VatCategory {
        code: e.text_of(CBC, "ID"),
        rate: e.decimal_of(CBC, "Percent"),
    }
}

fn address(e: &Element) -> Address<'static> {
    Address {
        line1: e.text_of(CBC, "StreetName"),
        line2: e.text_of(CBC, "AdditionalStreetName"),
        line3: e
            .path(&[(CAC, "AddressLine"), (CBC, "Line")])
            .map(Element::term),
        city: e.text_of(CBC, "CityName"),
        postal_code: e.text_of(CBC, "PostalZone"),
        subdivision: e.text_of(CBC, "CountrySubentity"),
        country: e
            .path(&[(CAC, "Country"), (CBC, "IdentificationCode")])
            .map(Element::term),
    }
}

fn contact(party: &Element) -> Option<Contact<'static>> {
    party.child(CAC, "Contact").map(|c| Contact {
        name: c.text_of(CBC, "Name"),
        telephone: c.text_of(CBC, "Telephone"),
        email: c.text_of(CBC, "ElectronicMail"),
    })
}

fn identifiers(party: &Element) -> Vec<Identifier<'static>> {
    party
        .all(CAC, "PartyIdentification")
        .filter_map(|p| p.child(CBC, "ID"))
        .map(id_of)
        .collect()
}

fn party_name(party: &Element) -> Option<Text<'static>> {
    party
        .path(&[(CAC, "PartyName"), (CBC, "Name")])
        .map(Element::term)
}

/// The VAT identifier and the other tax registration of a party.
fn tax_schemes(party: &Element) -> (Option<Text<'static>>, Option<Text<'static>>) {
    let (mut vat, mut other) = (None, None);
    for s in party.all(CAC, "PartyTaxScheme") {
        let Some(id) = s.text_of(CBC, "CompanyID") else {
            continue;
        };
        if is_vat(s) {
            vat.get_or_insert(id);
        } else {
            other.get_or_insert(id);
        }
    }
    (vat, other)
}

fn legal(party: &Element) -> Option<&Element> {
    party.child(CAC, "PartyLegalEntity")
}

fn seller(party: &Element) -> Seller<'static> {
    let (vat, other) = tax_schemes(party);
    Seller {
        name: legal(party).and_then(|l| l.text_of(CBC, "RegistrationName")),
        trading_name: party_name(party),
        identifiers: identifiers(party),
        legal_registration: legal(party).and_then(|l| l.child(CBC, "CompanyID").map(id_of)),
        vat_identifier: vat,
        tax_registration: other,
        additional_legal_info: legal(party).and_then(|l| l.text_of(CBC, "CompanyLegalForm")),
        electronic_address: party.child(CBC, "EndpointID").map(id_of),
        address: party.child(CAC, "PostalAddress").map(address),
        contact: contact(party),
    }
}

fn buyer(party: &Element) -> Buyer<'static> {
    Buyer {
        name: legal(party).and_then(|l| l.text_of(CBC, "RegistrationName")),
        trading_name: party_name(party),
        identifiers: identifiers(party),
        legal_registration: legal(party).and_then(|l| l.child(CBC, "CompanyID").map(id_of)),
        vat_identifier: tax_schemes(party).0,
        electronic_address: party.child(CBC, "EndpointID").map(id_of),
        address: party.child(CAC, "PostalAddress").map(address),
        contact: contact(party),
    }
}

fn allowance_charge(e: &Element, document_level: bool) -> AllowanceCharge<'static> {
    AllowanceCharge {
        charge: e.child(CBC, "ChargeIndicator").is_some_and(bool_of),
        amount: e.decimal_of(CBC, "Amount"),
        base_amount: e.decimal_of(CBC, "BaseAmount"),
        percentage: e.decimal_of(CBC, "MultiplierFactorNumeric"),
        vat: if document_level {
            e.all(CAC, "TaxCategory")
                .find(|t| is_vat(t))
                .map(vat_category)
        } else {
            None
        },
        reason: e.text_of(CBC, "AllowanceChargeReason"),
        reason_code: e.text_of(CBC, "AllowanceChargeReasonCode"),
    }
}

fn period(e: &Element) -> Period {
    Period {
        start: date(e, "StartDate"),
        end: date(e, "EndDate"),
    }
}

fn note(text: &str) -> Note<'static> {
    // EN 16931-3-2: a subject code (BT-21) is written `#CODE#` before the text.
    if let Some(rest) = text.strip_prefix('#')
        && let Some((code, body)) = rest.split_once('#')
        && code.chars().count() == 3
    {
        return Note {
            subject_code: Some(Cow::Owned(code.to_string())),
            text: Cow::Owned(body.to_string()),
        };
    }
    Note {
        subject_code: None,
        text: Cow::Owned(text.to_string()),
    }
}

fn line(e: &Element, credit_note: bool) -> Line<'static> {
    let quantity = e.child(
        CBC,
        if credit_note {
            "CreditedQuantity"
        } else {
            "InvoicedQuantity"
        },
    );
    let item = e.child(CAC, "Item");
    let price = e.child(CAC, "Price");
    let price_ac = price.and_then(|p| p.child(CAC, "AllowanceCharge"));
    let item_id = |tag: &str| {
        item.and_then(|i| i.path(&[(CAC, tag), (CBC, "ID")]))
            .map(Element::term)
    };
    Line {
        id: e.text_of(CBC, "ID"),
        note: e.text_of(CBC, "Note"),
        object: e
            .all(CAC, "DocumentReference")
            .find(|d| {
                d.child(CBC, "DocumentTypeCode")
                    .is_some_and(|c| c.text.trim() == INVOICED_OBJECT)
            })
            .and_then(|d| d.child(CBC, "ID"))
            .map(id_of),
        quantity: quantity.and_then(|q| super::xmltree::decimal(&q.text)),
        unit_code: quantity.and_then(|q| q.attr_string("unitCode")),
        net_amount: e.decimal_of(CBC, "LineExtensionAmount"),
        order_line_reference: e
            .path(&[(CAC, "OrderLineReference"), (CBC, "LineID")])
            .map(Element::term),
        accounting_reference: e.text_of(CBC, "AccountingCost"),
        period: e.child(CAC, "InvoicePeriod").map(period),
        allowances_charges: e
            .all(CAC, "AllowanceCharge")
            .map(|a| allowance_charge(a, false))
            .collect(),
        net_price: price.and_then(|p| p.decimal_of(CBC, "PriceAmount")),
        price_discount: price_ac.and_then(|a| a.decimal_of(CBC, "Amount")),
        gross_price: price_ac.and_then(|a| a.decimal_of(CBC, "BaseAmount")),
        base_quantity: price.and_then(|p| p.decimal_of(CBC, "BaseQuantity")),
        base_quantity_unit: price
            .and_then(|p| p.child(CBC, "BaseQuantity"))
            .and_then(|q| q.attr_string("unitCode")),
        vat: item.and_then(|i| {
            i.all(CAC, "ClassifiedTaxCategory")
                .find(|t| is_vat(t))
                .map(vat_category)
        }),
        item_name: item.and_then(|i| i.text_of(CBC, "Name")),
        item_description: item.and_then(|i| i.text_of(CBC, "Description")),
        seller_item_id: item_id("SellersItemIdentification"),
        buyer_item_id: item_id("BuyersItemIdentification"),
        standard_item_id: item
            .and_then(|i| i.path(&[(CAC, "StandardItemIdentification"), (CBC, "ID")]))
            .map(id_of),
        classifications: item
            .map(|i| {
                i.all(CAC, "CommodityClassification")
                    .filter_map(|c| c.child(CBC, "ItemClassificationCode"))
                    .map(|c| Classification {
                        code: c.term(),
                        list: c.attr_string("listID"),
                        list_version: c.attr_string("listVersionID"),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        origin_country: item
            .and_then(|i| i.path(&[(CAC, "OriginCountry"), (CBC, "IdentificationCode")]))
            .map(Element::term),
        attributes: item
            .map(|i| {
                i.all(CAC, "AdditionalItemProperty")
                    .map(|p| ItemAttribute {
                        name: p.text_of(CBC, "Name"),
                        value: p.text_of(CBC, "Value"),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn simple_ref(root: &Element, tag: &str) -> Option<Text<'static>> {
    root.path(&[(CAC, tag), (CBC, "ID")]).map(Element::term)
}

pub fn from_tree(root: &Element) -> Invoice<'static> {
    let credit_note = root.ns == Ns::UblCreditNote;
    let mut inv = Invoice {
        credit_note,
        specification: root.text_of(CBC, "CustomizationID"),
        process: root.text_of(CBC, "ProfileID"),
        number: root.text_of(CBC, "ID"),
        issue_date: date(root, "IssueDate"),
        type_code: root.text_of(
            CBC,
            if credit_note {
                "CreditNoteTypeCode"
            } else {
                "InvoiceTypeCode"
            },
        ),
        notes: root.all(CBC, "Note").map(|n| note(&n.text)).collect(),
        tax_point_date: date(root, "TaxPointDate"),
        currency: root.text_of(CBC, "DocumentCurrencyCode"),
        tax_currency: root.text_of(CBC, "TaxCurrencyCode"),
        buyer_accounting_reference: root.text_of(CBC, "AccountingCost"),
        buyer_reference: root.text_of(CBC, "BuyerReference"),
        despatch_advice_reference: simple_ref(root, "DespatchDocumentReference"),
        receiving_advice_reference: simple_ref(root, "ReceiptDocumentReference"),
        tender_reference: simple_ref(root, "OriginatorDocumentReference"),
        contract_reference: simple_ref(root, "ContractDocumentReference"),
        project_reference: simple_ref(root, "ProjectReference"),
        payment_terms: root
            .path(&[(CAC, "PaymentTerms"), (CBC, "Note")])
            .map(Element::term),
        ..Invoice::default()
    };
    inv.due_date = if credit_note {
        root.all(CAC, "PaymentMeans")
            .find_map(|pm| date(pm, "PaymentDueDate"))
    } else {
        date(root, "DueDate")
    };
    if let Some(p) = root.child(CAC, "InvoicePeriod") {
        inv.tax_point_date_code = p.text_of(CBC, "DescriptionCode");
        let has_dates = p.child(CBC, "StartDate").is_some() || p.child(CBC, "EndDate").is_some();
        if has_dates || inv.tax_point_date_code.is_none() {
            inv.invoicing_period = Some(period(p));
        }
    }
    if let Some(o) = root.child(CAC, "OrderReference") {
        inv.sales_order_reference = o.text_of(CBC, "SalesOrderID");
        let id = o.text_of(CBC, "ID");
        inv.purchase_order_reference = match id {
            Some(id) if id == NO_ORDER && inv.sales_order_reference.is_some() => None,
            id => id,
        };
    }
    inv.preceding_invoices = root
        .all(CAC, "BillingReference")
        .map(|b| {
            let r = b.child(CAC, "InvoiceDocumentReference");
            PrecedingInvoice {
                reference: r.and_then(|r| r.text_of(CBC, "ID")),
                issue_date: r.and_then(|r| date(r, "IssueDate")),
            }
        })
        .collect();
    for d in root.all(CAC, "AdditionalDocumentReference") {
        let type_code = d.text_of(CBC, "DocumentTypeCode");
        match type_code.as_deref().map(str::trim) {
            Some(INVOICED_OBJECT) => {
                inv.invoiced_object = d.child(CBC, "ID").map(id_of);
            }
            Some(PROJECT) if credit_note => inv.project_reference = d.text_of(CBC, "ID"),
            _ => {
                let att = d.child(CAC, "Attachment");
                inv.supporting_documents.push(SupportingDocument {
                    reference: d.text_of(CBC, "ID"),
                    description: d.text_of(CBC, "DocumentDescription"),
                    uri: att
                        .and_then(|a| a.path(&[(CAC, "ExternalReference"), (CBC, "URI")]))
                        .map(Element::term),
                    attachment: att
                        .and_then(|a| a.child(CBC, "EmbeddedDocumentBinaryObject"))
                        .map(|b| Binary {
                            mime_code: b.attr_string("mimeCode"),
                            filename: b.attr_string("filename"),
                            content: Cow::Owned(base64_decode(&b.text)),
                        }),
                });
            }
        }
    }
    if let Some(p) = root.path(&[(CAC, "AccountingSupplierParty"), (CAC, "Party")]) {
        inv.seller = seller(p);
    }
    if let Some(p) = root.path(&[(CAC, "AccountingCustomerParty"), (CAC, "Party")]) {
        inv.buyer = buyer(p);
    }
    inv.payee = root.child(CAC, "PayeeParty").map(|p| Payee {
        name: party_name(p),
        identifiers: identifiers(p),
        legal_registration: legal(p).and_then(|l| l.child(CBC, "CompanyID").map(id_of)),
    });
    inv.tax_representative = root
        .child(CAC, "TaxRepresentativeParty")
        .map(|p| TaxRepresentative {
            name: party_name(p),
            vat_identifier: tax_schemes(p).0,
            address: p.child(CAC, "PostalAddress").map(address),
        });
    inv.delivery = root.child(CAC, "Delivery").map(|d| {
        let location = d.child(CAC, "DeliveryLocation");
        Delivery {
            party_name: d
                .path(&[(CAC, "DeliveryParty"), (CAC, "PartyName"), (CBC, "Name")])
                .map(Element::term),
            location: location.and_then(|l| l.child(CBC, "ID")).map(id_of),
            actual_date: date(d, "ActualDeliveryDate"),
            address: location.and_then(|l| l.child(CAC, "Address")).map(address),
        }
    });
    for pm in root.all(CAC, "PaymentMeans") {
        if inv.remittance_information.is_none() {
            inv.remittance_information = pm.text_of(CBC, "PaymentID");
        }
        if inv.mandate_reference.is_none() {
            inv.mandate_reference = pm
                .path(&[(CAC, "PaymentMandate"), (CBC, "ID")])
                .map(Element::term);
        }
        let code = pm.child(CBC, "PaymentMeansCode");
        inv.payment_means.push(PaymentMeans {
            code: code.map(Element::term),
            text: code.and_then(|c| c.attr_string("name")),
            credit_transfer: pm
                .child(CAC, "PayeeFinancialAccount")
                .map(|a| CreditTransfer {
                    account_id: a.text_of(CBC, "ID"),
                    account_name: a.text_of(CBC, "Name"),
                    provider_id: a
                        .path(&[(CAC, "FinancialInstitutionBranch"), (CBC, "ID")])
                        .map(Element::term),
                }),
            card: pm.child(CAC, "CardAccount").map(|c| Card {
                primary_account_number: c.text_of(CBC, "PrimaryAccountNumberID"),
                holder_name: c.text_of(CBC, "HolderName"),
            }),
        });
    }
    inv.allowances_charges = root
        .all(CAC, "AllowanceCharge")
        .map(|a| allowance_charge(a, true))
        .collect();
    for total in root.all(CAC, "TaxTotal") {
        let amount = total.child(CBC, "TaxAmount");
        let currency = amount.and_then(|a| a.attr("currencyID"));
        let subtotals: Vec<&Element> = total.all(CAC, "TaxSubtotal").collect();
        let value = amount.and_then(|a| super::xmltree::decimal(&a.text));
        if inv.totals.vat.is_none()
            && (!subtotals.is_empty() || currency.is_none() || currency == inv.currency.as_deref())
        {
            inv.totals.vat = value;
        } else if inv.totals.vat_accounting.is_none() && currency == inv.tax_currency.as_deref() {
            inv.totals.vat_accounting = value;
        }
        for s in subtotals {
            let category = s.all(CAC, "TaxCategory").find(|t| is_vat(t));
            inv.vat_breakdown.push(VatBreakdown {
                taxable: s.decimal_of(CBC, "TaxableAmount"),
                tax: s.decimal_of(CBC, "TaxAmount"),
                category: category.map(vat_category).unwrap_or_default(),
                exemption_reason: category.and_then(|c| c.text_of(CBC, "TaxExemptionReason")),
                exemption_code: category.and_then(|c| c.text_of(CBC, "TaxExemptionReasonCode")),
            });
        }
    }
    if let Some(t) = root.child(CAC, "LegalMonetaryTotal") {
        let totals = &mut inv.totals;
        totals.line_net = t.decimal_of(CBC, "LineExtensionAmount");
        totals.without_vat = t.decimal_of(CBC, "TaxExclusiveAmount");
        totals.with_vat = t.decimal_of(CBC, "TaxInclusiveAmount");
        totals.allowances = t.decimal_of(CBC, "AllowanceTotalAmount");
        totals.charges = t.decimal_of(CBC, "ChargeTotalAmount");
        totals.prepaid = t.decimal_of(CBC, "PrepaidAmount");
        totals.rounding = t.decimal_of(CBC, "PayableRoundingAmount");
        totals.payable = t.decimal_of(CBC, "PayableAmount");
    }
    let line_tag = if credit_note {
        "CreditNoteLine"
    } else {
        "InvoiceLine"
    };
    inv.lines = root
        .all(CAC, line_tag)
        .map(|l| line(l, credit_note))
        .collect();
    inv
}

/// The content of a base64 binary object; what is not base64 reads as empty.
pub fn base64_decode(text: &str) -> Vec<u8> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .unwrap_or_default()
}
