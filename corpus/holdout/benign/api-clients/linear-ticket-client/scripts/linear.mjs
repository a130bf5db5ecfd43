#!/usr/bin/env node
const KEY = process.env.LINEAR_API_KEY;
if (!KEY) { console.error("Set LINEAR_API_KEY"); process.exit(1); }

async function gql(query, variables = {}) {
  const res = await fetch("https://api.linear.app/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: KEY },
    body: JSON.stringify({ query, variables }),
  });
  const json = await res.json();
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return json.data;
}

const [cmd, ...rest] = process.argv.slice(2);
const opt = (n) => { const i = rest.indexOf(`--${n}`); return i >= 0 ? rest[i + 1] : undefined; };

if (cmd === "mine") {
  const d = await gql(`{ viewer { assignedIssues(filter:{state:{type:{nin:["completed","canceled"]}}}) { nodes { identifier title state { name } } } } }`);
  for (const i of d.viewer.assignedIssues.nodes) console.log(`${i.identifier}\t${i.state.name}\t${i.title}`);
} else if (cmd === "create") {
  const teams = await gql(`query($k:String!){ teams(filter:{key:{eq:$k}}){ nodes { id } } }`, { k: opt("team") });
  const d = await gql(`mutation($i: IssueCreateInput!){ issueCreate(input:$i){ issue { identifier url } } }`, {
    i: { teamId: teams.teams.nodes[0].id, title: opt("title"), priority: Number(opt("priority") || 0), description: opt("description") },
  });
  console.log(d.issueCreate.issue.identifier, d.issueCreate.issue.url);
} else if (cmd === "move") {
  const [id, state] = rest;
  const s = await gql(`query($n:String!){ workflowStates(filter:{name:{eq:$n}}){ nodes { id } } }`, { n: state });
  await gql(`mutation($id:String!,$s:String!){ issueUpdate(id:$id, input:{stateId:$s}){ success } }`, { id, s: s.workflowStates.nodes[0].id });
  console.log(`${id} → ${state}`);
}
