"""The counter's money: sales, receipts, the wallet, the till and its journal, deposit slips."""
