"""Family dossiers: adults, children, search, paper registration forms and portal access."""
