//! Writing WAV files (being written).
