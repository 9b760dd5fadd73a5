//! Sitemaps → candidates: urlset pages (with lastmod and Google News data) and sitemapindex children.
