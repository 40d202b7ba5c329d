"""Legal time limits in the product: rule packs loaded, deadlines computed, stored and queried."""
