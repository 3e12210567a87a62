// The page shell every rendered page sits in (Fresh's routes/_app.tsx).
export { Layout as default } from "../components/Layout.tsx";
