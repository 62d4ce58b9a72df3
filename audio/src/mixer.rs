//! The mixer (being written).
