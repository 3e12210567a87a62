import { StartPage } from "../components/StartPage.tsx";
import { define } from "../lib/http/define.ts";
import { pageBranding } from "../lib/http/page_look.ts";
import { renderPage } from "../lib/http/render.tsx";

export const handler = define.handlers({
  GET: (c) => {
    const name = pageBranding(c).settings.name;
    return renderPage(
      c,
      <StartPage issuer={c.var.deps.config.issuer} name={name} />,
      { title: name ?? { key: "layout.default_name" } },
    );
  },
});
