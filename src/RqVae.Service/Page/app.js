// The catalogue browser: plain script over the service's own JSON API (no framework, nothing fetched from elsewhere).
"use strict";

const $ = (id) => document.getElementById(id);
let levels = 0;
let browse = { prefix: "", next: null };

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = body && (body.detail || body.title);
    throw new Error(detail || `${response.status} ${response.statusText}`);
  }
  return body;
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "onclick") node.addEventListener("click", value);
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function itemLine(item, extra) {
  const name = element("button", { type: "button", className: "link item-link", "data-item-id": item.item_id, onclick: () => showItem(item.item_id) },
    item.title || item.item_id);
  const li = element("li", { className: item.retired ? "retired" : "" }, name, " ", element("span", { className: "id" }, item.id));
  if (extra) li.append(" ", element("span", { className: "id" }, extra));
  return li;
}

function fail(target, error) {
  target.textContent = error.message;
  target.classList.add("error");
}

async function loadInfo() {
  try {
    const info = await api("/info");
    levels = info.levels;
    $("info").textContent = `${info.items - info.retired} items (${info.retired} retired, ${info.collided} collided) · ` +
      `${info.kind} model ${info.model_hash.slice(0, 12)} · ${info.levels} levels × ${info.codebook_size} codes · store ${info.store}`;
  } catch (error) {
    fail($("info"), error);
  }
}

async function search(event) {
  event.preventDefault();
  const q = $("search-input").value.trim();
  const list = $("search-results");
  list.replaceChildren();
  $("search-status").classList.remove("error");
  if (!q) return;
  $("search-status").textContent = "Searching…";
  try {
    const found = await api(`/search?q=${encodeURIComponent(q)}&limit=20`);
    $("search-status").textContent = found.items.length === 0 ? `Nothing matches “${q}”.` : `${found.items.length} found.`;
    for (const item of found.items) list.append(itemLine(item));
    if (found.items.length === 1) showItem(found.items[0].item_id);
  } catch (error) {
    fail($("search-status"), error);
  }
}

async function showItem(itemId) {
  const section = $("item-section");
  section.hidden = false;
  const panel = $("item-panel");
  panel.replaceChildren();
  const similar = $("similar-items");
  similar.replaceChildren();
  try {
    const item = await api(`/items/${encodeURIComponent(itemId)}`);
    const codes = item.codes.slice(0, levels);
    const prefixes = element("dd", {});
    codes.forEach((_, i) => {
      const prefix = codes.slice(0, i + 1).join("-");
      prefixes.append(element("button", { type: "button", className: "link", onclick: () => openPrefix(prefix) }, prefix), " ");
    });
    const rows = [["Item", item.item_id], ["Title", item.title || "—"], ["ID", item.id], ["Origin", item.origin],
      ["Assigned", new Date(item.assigned_at).toLocaleString()]];
    if (item.retired) rows.push(["Retired", new Date(item.retired_at).toLocaleString()]);
    for (const [name, value] of rows) panel.append(element("dt", {}, name), element("dd", { id: `item-${name.toLowerCase()}` }, value));
    panel.append(element("dt", {}, "Prefixes"), prefixes);
    const answer = await api(`/items/${encodeURIComponent(itemId)}/similar?k=10`);
    for (const s of answer.similar)
      similar.append(itemLine(s, `shares ${s.shared_prefix} · distance ${s.distance.toFixed(3)}`));
    if (answer.similar.length === 0) similar.append(element("li", {}, "No other items."));
  } catch (error) {
    panel.append(element("dd", { className: "error" }, error.message));
  }
}

function breadcrumb(prefix) {
  const nav = $("breadcrumb");
  nav.replaceChildren(element("button", { type: "button", className: "link", "data-prefix": "", onclick: () => openPrefix("") }, "root"));
  const codes = prefix === "" ? [] : prefix.split("-");
  codes.forEach((code, i) => {
    const p = codes.slice(0, i + 1).join("-");
    nav.append(" › ", element("button", { type: "button", className: "link", "data-prefix": p, onclick: () => openPrefix(p) }, code));
  });
}

async function openPrefix(prefix) {
  breadcrumb(prefix);
  const list = $("tree-children");
  list.replaceChildren();
  $("tree-status").classList.remove("error");
  $("tree-status").textContent = "Loading…";
  try {
    const tree = await api(prefix === "" ? "/prefixes" : `/prefixes/${prefix}`);
    const leaf = tree.level === tree.levels;
    $("tree-status").textContent = `${tree.items} items under ${prefix === "" ? "the root" : prefix}` +
      (leaf ? " (the next number is the collision code)" : `, level ${tree.level + 1} of ${tree.levels}`) + ".";
    for (const child of tree.children) {
      const open = element("button", { type: "button", className: "link prefix-link", "data-prefix": child.prefix, onclick: () => openPrefix(child.prefix) }, child.prefix);
      const li = element("li", {}, element("span", { className: "count" }, child.items), open);
      if (child.titles.length > 0) li.append(element("div", { className: "titles" }, child.titles.join(" · ")));
      list.append(li);
    }
  } catch (error) {
    fail($("tree-status"), error);
  }
  browse = { prefix, next: null };
  $("prefix-items").replaceChildren();
  $("prefix-items-heading").hidden = prefix === "";
  $("prefix-items-prefix").textContent = prefix;
  if (prefix !== "") await morePrefixItems();
  else $("prefix-more").hidden = true;
}

async function morePrefixItems() {
  const path = `/prefixes/${browse.prefix}/items?limit=50` + (browse.next ? `&after=${browse.next}` : "");
  try {
    const page = await api(path);
    for (const item of page.items) $("prefix-items").append(itemLine(item));
    browse.next = page.next_page_offset;
    $("prefix-more").hidden = !browse.next;
  } catch (error) {
    $("prefix-items").append(element("li", { className: "error" }, error.message));
  }
}

$("search-form").addEventListener("submit", search);
$("prefix-more").addEventListener("click", morePrefixItems);
loadInfo().then(() => openPrefix(""));
