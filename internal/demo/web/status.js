// The page's status: the command lines that reach the demo's data, and a
// banner for every file wxcast refused to load (the rules file, the word
// lists) while it still holds the refused version.
"use strict";

async function pollStatus() {
  const s = await api("/api/status");
  const lines = (s.cli || []).join("\n");
  if ($("cli-lines").textContent !== lines) $("cli-lines").textContent = lines;
  $("cli").hidden = lines === "";
  const box = $("refused");
  const refused = s.refused || [];
  const key = JSON.stringify(refused);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.textContent = "";
  for (const r of refused) {
    box.append(el("p", { text: `${r.what} ${r.file} 有错误，未加载（版本 ${r.version}，${hhmmss(r.at)}），仍在使用版本 ${r.live}。改好并保存后自动重新加载：` }));
    box.append(el("ul", {}, ...r.problems.map((p) => el("li", { text: p }))));
  }
  box.hidden = refused.length === 0;
}

every(2000, pollStatus);
