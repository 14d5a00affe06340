"""preuves decides no access: owning modules serve receipts (services.accuse) after their own
checks; the public API and the page "Vérifier un accusé" reveal hashes only (views.public)."""
