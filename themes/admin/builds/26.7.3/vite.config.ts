import react from "@vitejs/plugin-react-swc";
import { defineConfig } from "vite";
import { consoleBuild } from "../../../shared/vite.console";

export default defineConfig(consoleBuild(import.meta.url, react));
