//! How the selected invoices become fluxes: one per company, split at the limits.

use super::{FluxFile, FluxLimits};

/// The fluxes of a lot deposit: files grouped by company, in order, each group cut so that
/// no flux exceeds the limits (count, and the files' total size, an upper bound of the
/// compressed archive's).
pub fn split_into_fluxes(files: Vec<FluxFile>, limits: FluxLimits) -> Vec<Vec<FluxFile>> {
    let mut companies: Vec<String> = files.iter().map(|f| f.company_code.clone()).collect();
    companies.sort();
    companies.dedup();
    let mut fluxes = Vec::new();
    let mut by_company: Vec<(String, Vec<FluxFile>)> =
        companies.into_iter().map(|c| (c, Vec::new())).collect();
    for file in files {
        if let Some((_, group)) = by_company.iter_mut().find(|(c, _)| *c == file.company_code) {
            group.push(file);
        }
    }
    for (_, group) in by_company {
        let mut current: Vec<FluxFile> = Vec::new();
        let mut size = 0u64;
        for file in group {
            let len = file.bytes.len() as u64;
            let full = current.len() >= limits.max_invoices.max(1)
                || (!current.is_empty() && size + len > limits.max_bytes);
            if full {
                fluxes.push(std::mem::take(&mut current));
                size = 0;
            }
            size += len;
            current.push(file);
        }
        if !current.is_empty() {
            fluxes.push(current);
        }
    }
    fluxes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(n: usize, company: &str, size: usize) -> FluxFile {
        FluxFile {
            invoice_number: format!("F{n:04}"),
            company_code: company.into(),
            file_name: format!("F{n:04}.xml"),
            bytes: vec![b'x'; size],
        }
    }

    #[test]
    fn one_flux_per_company() {
        let files = vec![file(1, "B", 10), file(2, "A", 10), file(3, "B", 10)];
        let fluxes = split_into_fluxes(files, FluxLimits::default());
        assert_eq!(fluxes.len(), 2);
        assert_eq!(fluxes[0][0].company_code, "A");
        assert_eq!(fluxes[1].len(), 2);
    }

    #[test]
    fn splits_at_the_count_and_size_limits() {
        let limits = FluxLimits {
            max_bytes: 25,
            max_invoices: 3,
        };
        let files = (0..7).map(|n| file(n, "A", 10)).collect();
        let sizes: Vec<usize> = split_into_fluxes(files, limits)
            .iter()
            .map(Vec::len)
            .collect();
        assert_eq!(sizes, [2, 2, 2, 1]);
        let limits = FluxLimits {
            max_bytes: 1000,
            max_invoices: 3,
        };
        let files = (0..7).map(|n| file(n, "A", 10)).collect();
        let sizes: Vec<usize> = split_into_fluxes(files, limits)
            .iter()
            .map(Vec::len)
            .collect();
        assert_eq!(sizes, [3, 3, 1]);
    }
}
