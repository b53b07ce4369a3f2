//! A small sRGB ICC v2 display profile, built in code rather than vendored: the PDF/A
//! OutputIntent needs one, and no crate or package reachable here ships the file. Same
//! content as the usual "sRGB IEC61966-2.1" profiles: D50-adapted (Bradford) sRGB primaries,
//! D50 white point, and the sRGB transfer curve sampled on 1024 points.

const TAG_COUNT: usize = 9;

fn s15f16(v: f64) -> [u8; 4] {
    ((v * 65536.0).round() as i32).to_be_bytes()
}

fn xyz(x: f64, y: f64, z: f64) -> Vec<u8> {
    let mut t = b"XYZ \0\0\0\0".to_vec();
    t.extend(s15f16(x));
    t.extend(s15f16(y));
    t.extend(s15f16(z));
    t
}

fn srgb_curve() -> Vec<u8> {
    const POINTS: usize = 1024;
    let mut t = b"curv\0\0\0\0".to_vec();
    t.extend((POINTS as u32).to_be_bytes());
    for i in 0..POINTS {
        let v = i as f64 / (POINTS - 1) as f64;
        let linear = if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        };
        t.extend(((linear * 65535.0).round() as u16).to_be_bytes());
    }
    t
}

fn description(text: &str) -> Vec<u8> {
    // textDescriptionType (ICC v2): ASCII part, empty Unicode and ScriptCode parts.
    let mut t = b"desc\0\0\0\0".to_vec();
    t.extend(((text.len() + 1) as u32).to_be_bytes());
    t.extend(text.as_bytes());
    t.push(0);
    t.extend([0u8; 4]); // Unicode language code
    t.extend([0u8; 4]); // Unicode count
    t.extend([0u8; 2]); // ScriptCode code
    t.push(0); // ScriptCode count
    t.extend([0u8; 67]);
    t
}

fn text(text: &str) -> Vec<u8> {
    let mut t = b"text\0\0\0\0".to_vec();
    t.extend(text.as_bytes());
    t.push(0);
    t
}

/// The profile's bytes (about 2.6 kB).
pub fn srgb_profile() -> Vec<u8> {
    let curve = srgb_curve();
    let tags: [(&[u8; 4], Vec<u8>); TAG_COUNT] = [
        (b"desc", description("sRGB IEC61966-2.1")),
        (b"cprt", text("No copyright, use freely")),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)),
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", curve.clone()),
        (b"gTRC", curve.clone()),
        (b"bTRC", curve),
    ];
    let table_len = 4 + 12 * TAG_COUNT;
    let mut data = Vec::new();
    let mut entries = Vec::with_capacity(TAG_COUNT);
    for (sig, body) in &tags {
        let offset = 128 + table_len + data.len();
        entries.push((*sig, offset as u32, body.len() as u32));
        data.extend_from_slice(body);
        while !data.len().is_multiple_of(4) {
            data.push(0);
        }
    }
    let size = 128 + table_len + data.len();
    let mut p = Vec::with_capacity(size);
    p.extend((size as u32).to_be_bytes());
    p.extend([0u8; 4]); // preferred CMM: none
    p.extend([0x02, 0x10, 0x00, 0x00]); // version 2.1
    p.extend(b"mntr");
    p.extend(b"RGB ");
    p.extend(b"XYZ ");
    for v in [2026u16, 1, 1, 0, 0, 0] {
        p.extend(v.to_be_bytes());
    }
    p.extend(b"acsp");
    p.extend([0u8; 4]); // platform
    p.extend([0u8; 4]); // flags
    p.extend([0u8; 4]); // manufacturer
    p.extend([0u8; 4]); // model
    p.extend([0u8; 8]); // attributes
    p.extend([0u8; 4]); // rendering intent: perceptual
    p.extend(s15f16(0.9642));
    p.extend(s15f16(1.0));
    p.extend(s15f16(0.8249));
    p.extend([0u8; 4]); // creator
    p.extend([0u8; 44]); // reserved
    debug_assert_eq!(p.len(), 128);
    p.extend((TAG_COUNT as u32).to_be_bytes());
    for (sig, offset, len) in entries {
        p.extend(sig);
        p.extend(offset.to_be_bytes());
        p.extend(len.to_be_bytes());
    }
    p.extend(data);
    p
}
