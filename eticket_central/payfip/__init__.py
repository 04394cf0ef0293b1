"""PayFiP, the DGFiP's online card payment: the payment request (`requests`), the
server-to-server notification that alone makes a payment count (`notifications`), the SOAP
messages both exchange with PayFiP (`soap`) and our record of each attempt (`table`)."""
