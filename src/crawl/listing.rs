//! Listing pages → candidates: article-looking links on a section front or opinion index.
