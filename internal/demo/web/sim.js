// The `wxcast sim` page: push one callback at a time to the server under
// test and list what that server sent through the simulated API.
"use strict";

const $ = (id) => document.getElementById(id);

$("push").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const [lat, lng] = $("latlng").value.split(",").map((x) => parseFloat(x));
  const body = { openid: $("openid").value, kind: $("kind").value, value: $("value").value, lat: lat || 0, lng: lng || 0 };
  const r = await fetch("/sim/push", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const data = await r.json();
  if (!r.ok) {
    $("reply").textContent = "错误：" + data.error;
    return;
  }
  $("sent").textContent = data.sent;
  let text = data.status ? "HTTP " + data.status + "\n" : "";
  if (data.error) text += "错误：" + data.error + "\n";
  text += data.reply || "（空回复）";
  $("reply").textContent = text;
  poll();
});

async function poll() {
  const r = await fetch("/sim/outbox");
  const lines = await r.json();
  const ul = $("outbox");
  ul.textContent = "";
  for (const l of lines) {
    const li = document.createElement("li");
    const t = new Date(l.at).toLocaleTimeString("zh-CN", { hour12: false });
    li.textContent = `${t} ${l.what}${l.to ? " → " + l.to : ""}：${l.text}`;
    ul.append(li);
  }
}

poll();
setInterval(poll, 1500);
