# PerceptronApi: build with the .NET SDK, run on the ASP.NET Core runtime image (no SDK, no sources).
#   docker build -t perceptron-api .
#   docker run --rm -p 127.0.0.1:8080:8080 perceptron-api     # then open http://127.0.0.1:8080/swagger

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore from the build settings and project files alone, so this layer stays cached until a package or a
# project reference changes. A new project under src/ that the host references needs its line here.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/PerceptronApi.Core/PerceptronApi.Core.csproj src/PerceptronApi.Core/
COPY src/PerceptronApi/PerceptronApi.csproj src/PerceptronApi/
RUN dotnet restore src/PerceptronApi/PerceptronApi.csproj

# No build servers: each RUN step's container ends with the step. The test stops a publish that ended early at its
# own step rather than at the COPY below.
COPY src/ src/
RUN dotnet publish src/PerceptronApi/PerceptronApi.csproj -c Release --no-restore --disable-build-servers \
        -o /app -p:UseAppHost=false \
    && test -f /app/PerceptronApi.dll


FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app

# Production defaults; each setting can be overridden with -e (configuration keys, ":" spelled "__").
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080 \
    Log__Format=json \
    OpenApi__Enabled=true

COPY --from=build /app ./

# The image's non-root user (uid 1654, "app").
USER $APP_UID
EXPOSE 8080

# The app answers --health-check itself (GET /health/ready on the loopback port), so the image needs no curl.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["dotnet", "PerceptronApi.dll", "--health-check"]

ENTRYPOINT ["dotnet", "PerceptronApi.dll"]
