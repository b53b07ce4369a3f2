//! UN/CEFACT CII D16B CrossIndustryInvoice → model (CEN/TS 16931-3-3 binding). Tolerant
//! like the UBL reader: a missing element is an absent term.

use super::codelists::CREDIT_NOTE_TYPE_UBL;
use super::model::*;
use super::read_ubl::base64_decode;
use super::write_cii::{
    INVOICED_OBJECT, OTHER_TAX_SCHEME, SEPA, SUPPORTING_DOCUMENT, TENDER, VAT_SCHEME,
};
use super::xmltree::{Element, Ns, decimal};
use chrono::NaiveDate;
use std::borrow::Cow;

const RAM: Ns = Ns::Ram;
const RSM: Ns = Ns::Rsm;

/// A date of format 102 (`AAAAMMJJ`) in `tag/inner`; another format reads as absent.
fn date(e: &Element, tag: &str, inner_ns: Ns, inner: &str) -> Option<NaiveDate> {
    let d = e.path(&[(RAM, tag), (inner_ns, inner)])?;
    if d.attr("format").is_some_and(|f| f.trim() != "102") {
        return None;
    }
    NaiveDate::parse_from_str(d.text.trim(), "%Y%m%d").ok()
}

fn id_of(e: &Element) -> Identifier<'static> {
    Identifier {
        value: e.term(),
        scheme: e.attr_string("schemeID"),
    }
}

fn is_vat(tax: &Element) -> bool {
    tax.text_of(RAM, "TypeCode")
        .is_some_and(|t| t.trim().to_uppercase() == "VAT")
}

fn vat_category(tax: &Element) -> VatCategory<'static> {
    VatCategory {
        code: tax.text_of(RAM, "CategoryCode"),
        rate: tax.decimal_of(RAM, "RateApplicablePercent"),
    }
}

fn address(e: &Element) -> Address<'static> {
    Address {
        line1: e.text_of(RAM, "LineOne"),
        line2: e.text_of(RAM, "LineTwo"),
        line3: e.text_of(RAM, "LineThree"),
        city: e.text_of(RAM, "CityName"),
        postal_code: e.text_of(RAM, "PostcodeCode"),
        subdivision: e.text_of(RAM, "CountrySubDivisionName"),
        country: e.text_of(RAM, "CountryID"),
    }
}

fn identifiers(party: &Element) -> Vec<Identifier<'static>> {
    party
        .all(RAM, "ID")
        .chain(party.all(RAM, "GlobalID"))
        .map(id_of)
        .collect()
}

fn tax_registration(party: &Element, scheme: &str) -> Option<Text<'static>> {
    party
        .all(RAM, "SpecifiedTaxRegistration")
        .filter_map(|t| t.child(RAM, "ID"))
        .find(|id| id.attr("schemeID") == Some(scheme))
        .map(Element::term)
}

fn contact(party: &Element) -> Option<Contact<'static>> {
    party.child(RAM, "DefinedTradeContact").map(|c| Contact {
        name: c.text_of(RAM, "PersonName"),
        telephone: c
            .path(&[
                (RAM, "TelephoneUniversalCommunication"),
                (RAM, "CompleteNumber"),
            ])
            .map(Element::term),
        email: c
            .path(&[(RAM, "EmailURIUniversalCommunication"), (RAM, "URIID")])
            .map(Element::term),
    })
}

fn legal_id(party: &Element) -> Option<Identifier<'static>> {
    party
        .path(&[(RAM, "SpecifiedLegalOrganization"), (RAM, "ID")])
        .map(id_of)
}

fn trading_name(party: &Element) -> Option<Text<'static>> {
    party
        .path(&[
            (RAM, "SpecifiedLegalOrganization"),
            (RAM, "TradingBusinessName"),
        ])
        .map(Element::term)
}

fn electronic_address(party: &Element) -> Option<Identifier<'static>> {
    party
        .path(&[(RAM, "URIUniversalCommunication"), (RAM, "URIID")])
        .map(id_of)
}

fn seller(p: &Element) -> Seller<'static> {
    Seller {
        name: p.text_of(RAM, "Name"),
        trading_name: trading_name(p),
        identifiers: identifiers(p),
        legal_registration: legal_id(p),
        vat_identifier: tax_registration(p, VAT_SCHEME),
        tax_registration: tax_registration(p, OTHER_TAX_SCHEME),
        additional_legal_info: p.text_of(RAM, "Description"),
        electronic_address: electronic_address(p),
        address: p.child(RAM, "PostalTradeAddress").map(address),
        contact: contact(p),
    }
}

fn buyer(p: &Element) -> Buyer<'static> {
    Buyer {
        name: p.text_of(RAM, "Name"),
        trading_name: trading_name(p),
        identifiers: identifiers(p),
        legal_registration: legal_id(p),
        vat_identifier: tax_registration(p, VAT_SCHEME),
        electronic_address: electronic_address(p),
        address: p.child(RAM, "PostalTradeAddress").map(address),
        contact: contact(p),
    }
}

fn period(p: &Element) -> Period {
    Period {
        start: date(p, "StartDateTime", Ns::Udt, "DateTimeString"),
        end: date(p, "EndDateTime", Ns::Udt, "DateTimeString"),
    }
}

fn allowance_charge(e: &Element, document_level: bool) -> AllowanceCharge<'static> {
    AllowanceCharge {
        charge: e
            .path(&[(RAM, "ChargeIndicator"), (Ns::Udt, "Indicator")])
            .is_some_and(|i| matches!(i.text.trim(), "true" | "1")),
        amount: e.decimal_of(RAM, "ActualAmount"),
        base_amount: e.decimal_of(RAM, "BasisAmount"),
        percentage: e.decimal_of(RAM, "CalculationPercent"),
        vat: if document_level {
            e.all(RAM, "CategoryTradeTax")
                .find(|t| is_vat(t))
                .map(vat_category)
        } else {
            None
        },
        reason: e.text_of(RAM, "Reason"),
        reason_code: e.text_of(RAM, "ReasonCode"),
    }
}

fn line(e: &Element) -> Line<'static> {
    let doc = e.child(RAM, "AssociatedDocumentLineDocument");
    let product = e.child(RAM, "SpecifiedTradeProduct");
    let agreement = e.child(RAM, "SpecifiedLineTradeAgreement");
    let gross = agreement.and_then(|a| a.child(RAM, "GrossPriceProductTradePrice"));
    let net = agreement.and_then(|a| a.child(RAM, "NetPriceProductTradePrice"));
    let basis = net
        .and_then(|n| n.child(RAM, "BasisQuantity"))
        .or_else(|| gross.and_then(|g| g.child(RAM, "BasisQuantity")));
    let quantity = e.path(&[(RAM, "SpecifiedLineTradeDelivery"), (RAM, "BilledQuantity")]);
    let settlement = e.child(RAM, "SpecifiedLineTradeSettlement");
    let text = |parent: Option<&Element>, name: &str| parent.and_then(|p| p.text_of(RAM, name));
    Line {
        id: text(doc, "LineID"),
        note: doc
            .and_then(|d| d.path(&[(RAM, "IncludedNote"), (RAM, "Content")]))
            .map(Element::term),
        object: settlement
            .and_then(|s| {
                s.all(RAM, "AdditionalReferencedDocument").find(|d| {
                    d.text_of(RAM, "TypeCode")
                        .is_none_or(|t| t.trim() == INVOICED_OBJECT)
                })
            })
            .map(|d| Identifier {
                value: d.text_of(RAM, "IssuerAssignedID").unwrap_or_default(),
                scheme: d.text_of(RAM, "ReferenceTypeCode"),
            }),
        quantity: quantity.and_then(|q| decimal(&q.text)),
        unit_code: quantity.and_then(|q| q.attr_string("unitCode")),
        net_amount: settlement
            .and_then(|s| {
                s.path(&[
                    (RAM, "SpecifiedTradeSettlementLineMonetarySummation"),
                    (RAM, "LineTotalAmount"),
                ])
            })
            .and_then(|a| decimal(&a.text)),
        order_line_reference: agreement
            .and_then(|a| a.path(&[(RAM, "BuyerOrderReferencedDocument"), (RAM, "LineID")]))
            .map(Element::term),
        accounting_reference: settlement
            .and_then(|s| {
                s.path(&[
                    (RAM, "ReceivableSpecifiedTradeAccountingAccount"),
                    (RAM, "ID"),
                ])
            })
            .map(Element::term),
        period: settlement
            .and_then(|s| s.child(RAM, "BillingSpecifiedPeriod"))
            .map(period),
        allowances_charges: settlement
            .map(|s| {
                s.all(RAM, "SpecifiedTradeAllowanceCharge")
                    .map(|a| allowance_charge(a, false))
                    .collect()
            })
            .unwrap_or_default(),
        net_price: net.and_then(|n| n.decimal_of(RAM, "ChargeAmount")),
        price_discount: gross
            .and_then(|g| g.path(&[(RAM, "AppliedTradeAllowanceCharge"), (RAM, "ActualAmount")]))
            .and_then(|a| decimal(&a.text)),
        gross_price: gross.and_then(|g| g.decimal_of(RAM, "ChargeAmount")),
        base_quantity: basis.and_then(|b| decimal(&b.text)),
        base_quantity_unit: basis.and_then(|b| b.attr_string("unitCode")),
        vat: settlement.and_then(|s| {
            s.all(RAM, "ApplicableTradeTax")
                .find(|t| is_vat(t))
                .map(vat_category)
        }),
        item_name: text(product, "Name"),
        item_description: text(product, "Description"),
        seller_item_id: text(product, "SellerAssignedID"),
        buyer_item_id: text(product, "BuyerAssignedID"),
        standard_item_id: product.and_then(|p| p.child(RAM, "GlobalID")).map(id_of),
        classifications: product
            .map(|p| {
                p.all(RAM, "DesignatedProductClassification")
                    .filter_map(|c| c.child(RAM, "ClassCode"))
                    .map(|c| Classification {
                        code: c.term(),
                        list: c.attr_string("listID"),
                        list_version: c.attr_string("listVersionID"),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        origin_country: product
            .and_then(|p| p.path(&[(RAM, "OriginTradeCountry"), (RAM, "ID")]))
            .map(Element::term),
        attributes: product
            .map(|p| {
                p.all(RAM, "ApplicableProductCharacteristic")
                    .map(|c| ItemAttribute {
                        name: c.text_of(RAM, "Description"),
                        value: c.text_of(RAM, "Value"),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn issuer_ref(parent: &Element, tag: &str) -> Option<Text<'static>> {
    parent
        .path(&[(RAM, tag), (RAM, "IssuerAssignedID")])
        .map(Element::term)
}

pub fn from_tree(root: &Element) -> Invoice<'static> {
    let mut inv = Invoice::default();
    if let Some(ctx) = root.child(RSM, "ExchangedDocumentContext") {
        inv.process = ctx
            .path(&[
                (RAM, "BusinessProcessSpecifiedDocumentContextParameter"),
                (RAM, "ID"),
            ])
            .map(Element::term);
        inv.specification = ctx
            .path(&[
                (RAM, "GuidelineSpecifiedDocumentContextParameter"),
                (RAM, "ID"),
            ])
            .map(Element::term);
    }
    if let Some(doc) = root.child(RSM, "ExchangedDocument") {
        inv.number = doc.text_of(RAM, "ID");
        inv.type_code = doc.text_of(RAM, "TypeCode");
        inv.issue_date = date(doc, "IssueDateTime", Ns::Udt, "DateTimeString");
        inv.notes = doc
            .all(RAM, "IncludedNote")
            .map(|n| Note {
                subject_code: n.text_of(RAM, "SubjectCode"),
                text: Cow::Owned(
                    n.all(RAM, "Content")
                        .map(|c| c.text.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
            })
            .collect();
    }
    inv.credit_note = inv
        .type_code
        .as_deref()
        .is_some_and(|t| CREDIT_NOTE_TYPE_UBL.binary_search(&t.trim()).is_ok());
    let Some(tx) = root.child(RSM, "SupplyChainTradeTransaction") else {
        return inv;
    };
    inv.lines = tx
        .all(RAM, "IncludedSupplyChainTradeLineItem")
        .map(line)
        .collect();
    if let Some(a) = tx.child(RAM, "ApplicableHeaderTradeAgreement") {
        agreement(a, &mut inv);
    }
    if let Some(d) = tx.child(RAM, "ApplicableHeaderTradeDelivery") {
        let ship_to = d.child(RAM, "ShipToTradeParty");
        let actual = d.child(RAM, "ActualDeliverySupplyChainEvent");
        if ship_to.is_some() || actual.is_some() {
            inv.delivery = Some(Delivery {
                party_name: ship_to.and_then(|s| s.text_of(RAM, "Name")),
                location: ship_to
                    .and_then(|s| s.child(RAM, "GlobalID").or_else(|| s.child(RAM, "ID")))
                    .map(id_of),
                actual_date: actual
                    .and_then(|a| date(a, "OccurrenceDateTime", Ns::Udt, "DateTimeString")),
                address: ship_to
                    .and_then(|s| s.child(RAM, "PostalTradeAddress"))
                    .map(address),
            });
        }
        inv.despatch_advice_reference = issuer_ref(d, "DespatchAdviceReferencedDocument");
        inv.receiving_advice_reference = issuer_ref(d, "ReceivingAdviceReferencedDocument");
    }
    if let Some(s) = tx.child(RAM, "ApplicableHeaderTradeSettlement") {
        settlement(s, &mut inv);
    }
    inv
}

fn agreement(a: &Element, inv: &mut Invoice<'static>) {
    inv.buyer_reference = a.text_of(RAM, "BuyerReference");
    if let Some(p) = a.child(RAM, "SellerTradeParty") {
        inv.seller = seller(p);
    }
    if let Some(p) = a.child(RAM, "BuyerTradeParty") {
        inv.buyer = buyer(p);
    }
    inv.tax_representative =
        a.child(RAM, "SellerTaxRepresentativeTradeParty")
            .map(|p| TaxRepresentative {
                name: p.text_of(RAM, "Name"),
                vat_identifier: tax_registration(p, VAT_SCHEME),
                address: p.child(RAM, "PostalTradeAddress").map(address),
            });
    inv.sales_order_reference = issuer_ref(a, "SellerOrderReferencedDocument");
    inv.purchase_order_reference = issuer_ref(a, "BuyerOrderReferencedDocument");
    inv.contract_reference = issuer_ref(a, "ContractReferencedDocument");
    for d in a.all(RAM, "AdditionalReferencedDocument") {
        let type_code = d.text_of(RAM, "TypeCode");
        match type_code.as_deref().map(str::trim) {
            Some(TENDER) => inv.tender_reference = d.text_of(RAM, "IssuerAssignedID"),
            Some(INVOICED_OBJECT) => {
                inv.invoiced_object = Some(Identifier {
                    value: d.text_of(RAM, "IssuerAssignedID").unwrap_or_default(),
                    scheme: d.text_of(RAM, "ReferenceTypeCode"),
                })
            }
            Some(SUPPORTING_DOCUMENT) | Some(_) | None => {
                inv.supporting_documents.push(SupportingDocument {
                    reference: d.text_of(RAM, "IssuerAssignedID"),
                    description: d.text_of(RAM, "Name"),
                    uri: d.text_of(RAM, "URIID"),
                    attachment: d.child(RAM, "AttachmentBinaryObject").map(|b| Binary {
                        mime_code: b.attr_string("mimeCode"),
                        filename: b.attr_string("filename"),
                        content: Cow::Owned(base64_decode(&b.text)),
                    }),
                })
            }
        }
    }
    inv.project_reference = a
        .path(&[(RAM, "SpecifiedProcuringProject"), (RAM, "ID")])
        .map(Element::term);
}

fn settlement(s: &Element, inv: &mut Invoice<'static>) {
    if let Some(c) = s.child(RAM, "CreditorReferenceID") {
        inv.seller
            .identifiers
            .push(Identifier::new(c.term(), Some(SEPA)));
    }
    inv.remittance_information = s.text_of(RAM, "PaymentReference");
    inv.tax_currency = s.text_of(RAM, "TaxCurrencyCode");
    inv.currency = s.text_of(RAM, "InvoiceCurrencyCode");
    inv.payee = s.child(RAM, "PayeeTradeParty").map(|p| Payee {
        name: p.text_of(RAM, "Name"),
        identifiers: identifiers(p),
        legal_registration: legal_id(p),
    });
    for pm in s.all(RAM, "SpecifiedTradeSettlementPaymentMeans") {
        let account = pm.child(RAM, "PayeePartyCreditorFinancialAccount");
        let bic = pm
            .path(&[
                (RAM, "PayeeSpecifiedCreditorFinancialInstitution"),
                (RAM, "BICID"),
            ])
            .map(Element::term);
        inv.payment_means.push(PaymentMeans {
            code: pm.text_of(RAM, "TypeCode"),
            text: pm.text_of(RAM, "Information"),
            credit_transfer: (account.is_some() || bic.is_some()).then(|| CreditTransfer {
                account_id: account.and_then(|a| {
                    a.text_of(RAM, "IBANID")
                        .or_else(|| a.text_of(RAM, "ProprietaryID"))
                }),
                account_name: account.and_then(|a| a.text_of(RAM, "AccountName")),
                provider_id: bic,
            }),
            card: pm
                .child(RAM, "ApplicableTradeSettlementFinancialCard")
                .map(|c| Card {
                    primary_account_number: c.text_of(RAM, "ID"),
                    holder_name: c.text_of(RAM, "CardholderName"),
                }),
        });
    }
    for t in s.all(RAM, "ApplicableTradeTax") {
        if inv.tax_point_date.is_none() {
            inv.tax_point_date = date(t, "TaxPointDate", Ns::Udt, "DateString");
        }
        if inv.tax_point_date_code.is_none() {
            inv.tax_point_date_code = t.text_of(RAM, "DueDateTypeCode");
        }
        let vat = is_vat(t);
        inv.vat_breakdown.push(VatBreakdown {
            taxable: t.decimal_of(RAM, "BasisAmount"),
            tax: t.decimal_of(RAM, "CalculatedAmount"),
            category: if vat {
                vat_category(t)
            } else {
                VatCategory::default()
            },
            exemption_reason: t.text_of(RAM, "ExemptionReason"),
            exemption_code: t.text_of(RAM, "ExemptionReasonCode"),
        });
    }
    inv.invoicing_period = s.child(RAM, "BillingSpecifiedPeriod").map(period);
    inv.allowances_charges = s
        .all(RAM, "SpecifiedTradeAllowanceCharge")
        .map(|a| allowance_charge(a, true))
        .collect();
    if let Some(terms) = s.child(RAM, "SpecifiedTradePaymentTerms") {
        inv.payment_terms = terms.text_of(RAM, "Description");
        inv.due_date = date(terms, "DueDateDateTime", Ns::Udt, "DateTimeString");
        inv.mandate_reference = terms.text_of(RAM, "DirectDebitMandateID");
    }
    if let Some(m) = s.child(RAM, "SpecifiedTradeSettlementHeaderMonetarySummation") {
        let t = &mut inv.totals;
        t.line_net = m.decimal_of(RAM, "LineTotalAmount");
        t.charges = m.decimal_of(RAM, "ChargeTotalAmount");
        t.allowances = m.decimal_of(RAM, "AllowanceTotalAmount");
        t.without_vat = m.decimal_of(RAM, "TaxBasisTotalAmount");
        for tax in m.all(RAM, "TaxTotalAmount") {
            let currency = tax.attr("currencyID");
            let value = decimal(&tax.text);
            if t.vat.is_none() && (currency.is_none() || currency == inv.currency.as_deref()) {
                t.vat = value;
            } else if t.vat_accounting.is_none() && currency == inv.tax_currency.as_deref() {
                t.vat_accounting = value;
            }
        }
        t.rounding = m.decimal_of(RAM, "RoundingAmount");
        t.with_vat = m.decimal_of(RAM, "GrandTotalAmount");
        t.prepaid = m.decimal_of(RAM, "TotalPrepaidAmount");
        t.payable = m.decimal_of(RAM, "DuePayableAmount");
    }
    inv.preceding_invoices = s
        .all(RAM, "InvoiceReferencedDocument")
        .map(|d| PrecedingInvoice {
            reference: d.text_of(RAM, "IssuerAssignedID"),
            issue_date: date(d, "FormattedIssueDateTime", Ns::Qdt, "DateTimeString"),
        })
        .collect();
    inv.buyer_accounting_reference = s
        .path(&[
            (RAM, "ReceivableSpecifiedTradeAccountingAccount"),
            (RAM, "ID"),
        ])
        .map(Element::term);
}
