//! The built-in sound library (being written).
