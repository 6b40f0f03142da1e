//! The one implementation of holdout and split assignment, shared by the
//! plan (which names the algorithm) and the simulator (which runs it).
//!
//! A customer's bucket for a salt is the first 8 bytes, read as a
//! big-endian `u64`, of the SHA-256 of `"{customer_id}\x1f{campaign}\x1f{salt}"`,
//! modulo 10000. The holdout uses the salt `holdout` and holds out buckets
//! below `percent × 100`; a split uses its name as the salt and gives its
//! variants consecutive bucket ranges in source order. Being a pure
//! function of the ids, assignment is stable across runs and machines.

use sha2::{Digest, Sha256};

use super::format::BUCKETS;

/// The salt of the holdout assignment.
pub const HOLDOUT_SALT: &str = "holdout";

/// The separator between the parts of the hashed key (ASCII unit separator).
pub const KEY_SEPARATOR: char = '\x1f';

/// The bucket (`0..10000`) of `customer_id` in `campaign` for `salt`.
pub fn bucket(customer_id: &str, campaign: &str, salt: &str) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(customer_id.as_bytes());
    hasher.update([KEY_SEPARATOR as u8]);
    hasher.update(campaign.as_bytes());
    hasher.update([KEY_SEPARATOR as u8]);
    hasher.update(salt.as_bytes());
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(BUCKETS)) as u32
}

/// Whether `customer_id` is in the holdout of `campaign` when `to_bucket`
/// (`percent × 100`) buckets are held out.
pub fn is_held_out(customer_id: &str, campaign: &str, to_bucket: u32) -> bool {
    bucket(customer_id, campaign, HOLDOUT_SALT) < to_bucket
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_is_sha256_prefix_mod_10000() {
        // Computed independently: sha256("linh\x1fonboarding\x1fholdout").
        let mut h = Sha256::new();
        h.update(b"linh\x1fonboarding\x1fholdout");
        let d = h.finalize();
        let n = u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]);
        assert_eq!(bucket("linh", "onboarding", "holdout"), (n % 10_000) as u32);
    }

    #[test]
    fn bucket_depends_on_every_part() {
        let base = bucket("linh", "onboarding", "holdout");
        assert!(base < BUCKETS);
        let others = [
            bucket("minh", "onboarding", "holdout"),
            bucket("linh", "winback", "holdout"),
            bucket("linh", "onboarding", "offer_test"),
        ];
        assert!(others.iter().any(|&b| b != base));
    }

    #[test]
    fn separator_prevents_ambiguous_keys() {
        assert_ne!(bucket("a", "bc", "x"), bucket("ab", "c", "x"));
    }

    #[test]
    fn holdout_threshold_bounds() {
        assert!(!is_held_out("linh", "onboarding", 0));
        assert!(is_held_out("linh", "onboarding", BUCKETS));
    }
}
