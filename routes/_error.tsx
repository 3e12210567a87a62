// The page a person sees for an error (Fresh's routes/_500.tsx and _404.tsx).
export { ErrorPage as default } from "../components/ErrorPage.tsx";
