"""PDF documents in Chinese (fpdf2 with an embedded TrueType font) and QR codes (segno)."""
