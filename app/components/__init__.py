"""Custom Streamlit components shipped with the app: small hand-written HTML/JS files, offline (no CDN, no build)."""
