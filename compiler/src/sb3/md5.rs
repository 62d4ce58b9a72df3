//! MD5, for naming asset files the way Scratch does (`<md5 of the bytes>.<ext>`). Only used to
//! name files, never for security.

use md5::{Digest, Md5};

/// The MD5 digest of `data` as 32 lowercase hex digits.
pub(crate) fn hex_digest(data: &[u8]) -> String {
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::hex_digest;

    #[test]
    fn rfc_1321_vectors() {
        assert_eq!(hex_digest(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex_digest(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            hex_digest(b"message digest"),
            "f96b697d7cb7938d525a2f31aaf161d0"
        );
    }
}
