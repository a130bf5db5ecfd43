// Minimal Linear GraphQL client. Usage: tsx linear.ts teams | create --team KEY --title T [--description D]
const key = process.env.LINEAR_API_KEY;
if (!key) {
  console.error("LINEAR_API_KEY is not set");
  process.exit(1);
}

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch("https://api.linear.app/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: key! },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const cmd = process.argv[2];
  if (cmd === "teams") {
    const data = await gql<{ teams: { nodes: { id: string; key: string; name: string }[] } }>(
      `query { teams { nodes { id key name } } }`,
    );
    for (const t of data.teams.nodes) console.log(`${t.key}\t${t.name}\t${t.id}`);
    return;
  }
  if (cmd === "create") {
    const teamKey = flag("team");
    const title = flag("title");
    if (!teamKey || !title) throw new Error("--team and --title are required");
    const teams = await gql<{ teams: { nodes: { id: string; key: string }[] } }>(`query { teams { nodes { id key } } }`);
    const team = teams.teams.nodes.find((t) => t.key === teamKey);
    if (!team) throw new Error(`no team ${teamKey}`);
    const data = await gql<{ issueCreate: { issue: { identifier: string; url: string } } }>(
      `mutation($input: IssueCreateInput!) { issueCreate(input: $input) { issue { identifier url } } }`,
      { input: { teamId: team.id, title, description: flag("description") ?? "" } },
    );
    console.log(`${data.issueCreate.issue.identifier} ${data.issueCreate.issue.url}`);
    return;
  }
  console.error("usage: linear.ts teams | create --team KEY --title T [--description D]");
  process.exit(2);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
