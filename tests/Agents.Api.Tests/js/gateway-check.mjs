// Drives the Agents gateway with the official openai npm client and prints what it saw as one JSON object; the C#
// test (OpenAINpmClientTests) makes the assertions. Environment: AGENTS_BASE_URL (…/v1), AGENTS_KEY, AGENTS_PROBLEM,
// AGENTS_SEED.
import OpenAI from "openai";

const baseURL = process.env.AGENTS_BASE_URL;
const problem = process.env.AGENTS_PROBLEM;
const seed = Number(process.env.AGENTS_SEED ?? "0");
const client = new OpenAI({ baseURL, apiKey: process.env.AGENTS_KEY, maxRetries: 0 });
const messages = [{ role: "user", content: problem }];

async function complete(model) {
  const r = await client.chat.completions.create({ model, messages, seed });
  return { id: r.id, object: r.object, content: r.choices[0].message.content, finish_reason: r.choices[0].finish_reason, usage: r.usage, agents: r.agents };
}

async function stream(model) {
  const s = await client.chat.completions.create({ model, messages, seed, stream: true, stream_options: { include_usage: true } });
  let content = "", chunks = 0, finish = null, usage = null, agents = null;
  for await (const chunk of s) {
    chunks++;
    for (const choice of chunk.choices) {
      content += choice.delta?.content ?? "";
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    if (chunk.usage) usage = chunk.usage;
    if (chunk.agents) agents = chunk.agents;
  }
  return { content, chunks, finish_reason: finish, usage, agents };
}

async function error(run) {
  try {
    await run();
    return { thrown: false };
  } catch (e) {
    return { thrown: true, name: e.constructor.name, status: e.status, code: e.code ?? null, type: e.type ?? null, param: e.param ?? null, message: e.message };
  }
}

const out = {};
out.models = (await client.models.list()).data.map((m) => m.id);
out.magicore = await complete("magicore:sim");
out.magicore_stream = await stream("magicore:sim");
out.sc = await complete("sc@8:sim");
out.sc_stream = await stream("sc@8:sim");
out.invalid_model = await error(() => client.chat.completions.create({ model: "nosuch@3:sim", messages }));
out.unserved_base = await error(() => client.chat.completions.create({ model: "sc@8:gpt-9", messages }));
// No Authorization header at all (a null default header removes the client's own), then a wrong key.
const keyless = new OpenAI({ baseURL, apiKey: "unused", maxRetries: 0, defaultHeaders: { Authorization: null } });
out.missing_key = await error(() => keyless.models.list());
const wrongKey = new OpenAI({ baseURL, apiKey: "not-a-key", maxRetries: 0 });
out.wrong_key = await error(() => wrongKey.chat.completions.create({ model: "sc@8:sim", messages }));
process.stdout.write(JSON.stringify(out) + "\n");
