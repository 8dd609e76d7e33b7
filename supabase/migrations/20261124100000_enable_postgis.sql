-- PostGIS for station locations (geography(Point, 4326)). Supabase installs extensions
-- into the `extensions` schema.
create extension if not exists postgis with schema extensions;
