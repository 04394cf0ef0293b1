"""The PES V2 « PES_Aller » export of an invoice run (titres de recettes for Hélios)."""
