import os
import logging

# ruleid: hardcoded-credential-assignment
API_KEY = "sk_live_EXAMPLEEXAMPLEEXAMPLE00"

# ok: hardcoded-credential-assignment
API_TOKEN = "<your-token>"

# ok: hardcoded-credential-assignment
DB_PASSWORD = os.environ["DB_PASSWORD"]

token = os.getenv("GITHUB_TOKEN")
# ruleid: secret-env-var-logged
logging.info("using token %s", token)
